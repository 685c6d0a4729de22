"""Lessons: a teacher's page state, with a title, a text and what to hide, kept behind a short
link (/l/<id>) in a real database: SQLite by default, Redis when the networks are in Redis
(every worker and host then sees them). A lesson never changes: editing makes a new one."""
