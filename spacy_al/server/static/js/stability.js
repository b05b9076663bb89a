/*
 * The stopping signal of the model panel, without the DOM: the trend of Cohen's kappa
 * between successive models' tags on the fixed stop set (/progress → model.kappas) and
 * whether the stopping criterion says the model has stabilised (model.stabilised).
 */

export const TREND_LENGTH = 4;

function finite(value) {
  return typeof value === "number" && isFinite(value);
}

/** The last `n` kappas as "0.912 → 0.975 → 0.993" ("" when there are none). */
export function kappaTrend(kappas, n) {
  if (!Array.isArray(kappas)) return "";
  const shown = kappas.filter(finite).slice(-(n || TREND_LENGTH));
  return shown.map(function (k) { return k.toFixed(3); }).join(" → ");
}

/** What the panel shows: {trend, stabilised, text, title}. */
export function stabilityView(model) {
  const kappas = model && Array.isArray(model.kappas) ? model.kappas.filter(finite) : [];
  const stabilised = !!(model && model.stabilised === true);
  const trend = kappaTrend(kappas, TREND_LENGTH);
  let text = trend || "—";
  if (stabilised) text = (trend ? trend + " · " : "") + "the model has stabilised";
  const title = kappas.length
    ? "Cohen's kappa between successive models' tags on a fixed set of pool sentences (" +
      kappas.length + " update" + (kappas.length === 1 ? "" : "s") + ")" +
      (stabilised ? ": more answers hardly change its predictions." : ".")
    : "Shown from the second model update on.";
  return { trend: trend, stabilised: stabilised, text: text, title: title };
}
