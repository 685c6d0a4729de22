/**
 * Sizes and durations of the page, in one place. Colours live in static/css/style.css
 * (as CSS variables), so that the SVG is only restyled by class.
 */
export const GEOMETRY = Object.freeze({
  layerGap: 235,        // horizontal distance between layers (SVG units)
  nodeGap: 190,         // vertical distance between nodes of a layer
  nodeRadius: 43,
  margin: { top: 104, right: 200, bottom: 96, left: 100 },
  labelAt: 0.4,         // where a weight's label sits along its link, from the source
  maxLinkWidth: 9,      // stroke width of the heaviest link
  minLinkWidth: 1,
  crowdedLayer: 4,      // above this many nodes, weight labels show for the selection only
});

export const TIMING = Object.freeze({
  pulseMs: 700,         // a value travelling along a link, at speed 1
  tweenMs: 600,         // a weight changing during the update, at speed 1
  historyLimit: 200,    // steps kept for Previous
});

export const DECIMALS = 4;
