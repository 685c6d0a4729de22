/**
 * Sizes and durations of the page, in one place. Colours live in static/css/style.css
 * (as CSS variables), so that the SVG is only restyled by class.
 */
export const GEOMETRY = Object.freeze({  // sizes of the drawing: static/js/layout.js
  maxLinkWidth: 9,      // stroke width of the heaviest link
  minLinkWidth: 1,
});

export const TIMING = Object.freeze({
  pulseMs: 700,         // a value travelling along a link, at speed 1
  tweenMs: 600,         // a weight changing during the update, at speed 1
  historyLimit: 200,    // steps kept for Previous
  busyCursorMs: 150,    // an action still running after this shows the progress cursor
  sameGestureMs: 400,   // an action this soon after a message is of the same gesture: the
                        // message survives it (a field's change on blur, then the click)
});

export const DECIMALS = 4;

export const PLOT = Object.freeze({
  size: 320,               // CSS pixels, when the page does not say
  curveRange: [-0.25, 1.25], // the target axis of a 1-input plot
  pointRadius: 4,
  pickRadius: 12,          // Alt+click removes a point this close
  resolution1d: 100,
  resolution2d: 36,
  thumbnail: 16,           // each node's own picture: points per input axis
});

export const PLAY = Object.freeze({
  targetCallMs: 12,        // steps per training call adapt so that a call takes about this
  callsInFlight: 3,        // the server computes the next calls while the page draws
  maxChartPoints: 1500,    // the loss chart keeps this many points (older ones thinned)
});

export const LINK = Object.freeze({
  // A link keeps the learner's own points while they take at most this many characters of
  // JSON (a link of about 64 KB: some 1,000 points of two inputs at full precision), which
  // browsers, chat programs and mail keep whole; beyond, it leaves them out and says so.
  maxPointsChars: 48_000,
});
