/**
 * The problem type, as in TensorFlow Playground: regression (the output is a number, E the
 * squared error) or classification (the output a probability, E the cross entropy). It is
 * read from the network's loss, chosen by setting the output activation and the loss that
 * fit, and a mismatch with the data is explained in words, never silently corrected.
 * Pure: no DOM.
 */

/** @typedef {"regression"|"classification"} Problem */

/** @param {{loss:string}} network @returns {Problem} */
export const problemOf = (network) => (network.loss === "squared" ? "regression" : "classification");

/**
 * The output activation and loss of a problem type, for a network of `outputs` output nodes:
 * classification takes a sigmoid with cross entropy (one output) or a softmax with
 * categorical cross entropy (several); regression a linear output with squared error, as in
 * Playground. @param {Problem} problem @param {number} outputs
 */
export function settingsFor(problem, outputs) {
  if (problem === "classification") {
    return outputs > 1 ? { output_activation: "softmax", loss: "categorical_cross_entropy" }
      : { output_activation: "sigmoid", loss: "cross_entropy" };
  }
  return { output_activation: "linear", loss: "squared" };
}

/**
 * What the data's targets are: "classes" (every target 0 or 1, one-hot with several outputs),
 * "numbers", or null without points. @param {{train:{target:number[]}[], test:{target:number[]}[]}|null} dataset
 */
export function targetKind(dataset) {
  const points = dataset ? [...dataset.train, ...dataset.test] : [];
  if (!points.length) return null;
  const classes = points.every((p) => p.target.every((t) => t === 0 || t === 1)
    && (p.target.length === 1 || p.target.reduce((s, t) => s + t, 0) === 1));
  return classes ? "classes" : "numbers";
}

/**
 * The problem in words, and what does not fit the data, if anything.
 * @param {{loss:string, output_activation:string}} network
 * @param {{train:{target:number[]}[], test:{target:number[]}[]}|null} dataset
 */
export function problemNote(network, dataset) {
  const problem = problemOf(network);
  const kind = targetKind(dataset);
  const what = problem === "regression"
    ? "Regression: the output is a number, and E the squared error ½·(y − t)²."
    : network.loss === "categorical_cross_entropy"
      ? "Classification: the outputs are the probabilities of the classes (softmax), and E " +
        "the cross entropy −Σ t·ln y."
      : "Classification: the output is the probability of class 1 (sigmoid), and E the cross " +
        "entropy.";
  if (problem === "regression" && kind === "classes") {
    return `${what} These data are classes (targets 0 and 1): a regression fits them as ` +
      "numbers, which works, but classification learns them better: with cross entropy " +
      "∂E/∂x at the output is y − t, without the sigmoid's slope, so it keeps learning where " +
      "the output is near 0 or 1 and squared error almost stops.";
  }
  if (problem === "classification" && kind === "numbers") {
    return `${what} These targets are numbers, not classes: cross entropy takes each one as ` +
      "the probability of class 1, and for a target between 0 and 1 its least E (at y = t) " +
      "is above 0. For numbers, choose regression.";
  }
  return what;
}

/** What each output activation can give: [low, high] (the ends themselves approached). */
const RANGES = {
  sigmoid: [0, 1], softmax: [0, 1], tanh: [-1, 1], relu: [0, Infinity],
  softplus: [0, Infinity], elu: [-1, Infinity],
};

/**
 * A word on targets the output activation can never give (a sigmoid's target of 2): E can
 * then never reach 0, and the output saturates reaching for it. Null when every target is
 * within reach. @param {string} outputActivation @param {number[]} targets
 */
export function targetReachNote(outputActivation, targets) {
  const range = RANGES[outputActivation];
  if (!range) return null;  // linear, leaky relu: any number
  const [low, high] = range;
  const beyond = targets.findIndex((t) => t < low || t > high);
  if (beyond < 0) return null;
  const span = high === Infinity ? `${low} and above` : `between ${low} and ${high}`;
  return `Target ${beyond + 1} is ${targets[beyond]}, but a ${outputActivation.replace("_", " ")} ` +
    `output only gives values ${span}: E can never reach 0, and the output saturates reaching ` +
    "for it (its slope f′ near 0, so learning slows). Choose a target in range, or a linear " +
    "output.";
}
