// Minimal typings for the parts of jstat 1.9.6 that lib/hype uses (the package ships none).
declare module "jstat" {
  interface JStatStatic {
    /** Regularized incomplete beta I_x(a, b); returns false when x is outside [0, 1]. */
    ibeta(x: number, a: number, b: number): number | false;
    tukey: {
      /** CDF of the studentized range (port of R's ptukey). */
      cdf(q: number, nmeans: number, df: number): number;
      /** Quantile of the studentized range (port of R's qtukey). */
      inv(p: number, nmeans: number, df: number): number;
    };
  }
  const jStat: JStatStatic;
  export default jStat;
}
