"""The page's modules without their comments, as the server sends them: the comments (mostly
JSDoc, for the readers and for TypeScript's checker) are about a third of what the page
would otherwise download. The sources keep them; nothing else changes: strings, template
literals (and the code inside their `${…}`) and regular expression literals are copied as
they are, and a comment alone on its lines goes with its lines.
"""

from __future__ import annotations

# After one of these (or at the start), a `/` begins a regular expression, not a division.
_BEFORE_REGEX = set("(,=:[!&|?{};+-*%<>~^")
_KEYWORDS_BEFORE_REGEX = {"return", "typeof", "case", "do", "else", "in", "of", "new",
                          "delete", "void", "throw", "yield", "await", "instanceof"}
_DROP = "\0"  # marks a line left with nothing but a removed comment


def strip_comments(source: str) -> str:
    out: list[str] = []
    i = 0
    n = len(source)
    # Each open template literal's depth of `{` inside its current `${…}`; empty: in code.
    templates: list[int] = []
    in_template_text = False

    def last_code() -> str:
        """The last character of code emitted (skipping spaces), or "" at the start."""
        for chunk in reversed(out):
            stripped = chunk.rstrip(" \t\n\r" + _DROP)
            if stripped:
                return stripped
        return ""

    def regex_may_start() -> bool:
        before = last_code()
        if not before:
            return True
        if before[-1] in _BEFORE_REGEX:
            return True
        word = ""
        for ch in reversed(before):
            if ch.isalnum() or ch in "_$":
                word = ch + word
            else:
                break
        return word in _KEYWORDS_BEFORE_REGEX

    def alone_before(at: int) -> bool:
        """Only spaces between the start of the line and `at`."""
        start = source.rfind("\n", 0, at) + 1
        return source[start:at].strip(" \t") == ""

    while i < n:
        if in_template_text:
            ch = source[i]
            if ch == "\\":
                out.append(source[i:i + 2])
                i += 2
            elif ch == "`":
                out.append(ch)
                i += 1
                in_template_text = False
                templates.pop()
            elif source.startswith("${", i):
                out.append("${")
                i += 2
                templates[-1] = 1
                in_template_text = False
            else:
                out.append(ch)
                i += 1
            continue
        ch = source[i]
        if source.startswith("//", i):
            end = source.find("\n", i)
            end = n if end < 0 else end
            if alone_before(i):
                out.append(_DROP)
            i = end
        elif source.startswith("/*", i):
            end = source.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line_end = source.find("\n", end)
            rest = source[end:n if line_end < 0 else line_end]
            if alone_before(i) and rest.strip(" \t") == "":
                out.append(_DROP)
            else:
                out.append(" ")
            i = end
        elif ch in "'\"":
            j = i + 1
            while j < n and source[j] != ch:
                j += 2 if source[j] == "\\" else 1
            out.append(source[i:j + 1])
            i = j + 1
        elif ch == "`":
            out.append(ch)
            i += 1
            templates.append(0)
            in_template_text = True
        elif ch == "/" and regex_may_start():
            j = i + 1
            in_class = False
            while j < n:
                c = source[j]
                if c == "\\":
                    j += 2
                    continue
                if c == "[":
                    in_class = True
                elif c == "]":
                    in_class = False
                elif (c == "/" and not in_class) or c == "\n":
                    break
                j += 1
            j += 1
            while j < n and source[j].isalpha():
                j += 1
            out.append(source[i:j])
            i = j
        elif templates and templates[-1] > 0 and ch in "{}":
            templates[-1] += 1 if ch == "{" else -1
            out.append(ch)
            i += 1
            if templates[-1] == 0:
                in_template_text = True
        else:
            out.append(ch)
            i += 1
    lines = "".join(out).split("\n")
    kept = [line for line in lines if not (_DROP in line and line.replace(_DROP, "").strip() == "")]
    return "\n".join(line.replace(_DROP, "") for line in kept)
