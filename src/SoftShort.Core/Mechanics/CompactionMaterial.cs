namespace SoftShort.Mechanics;

/// <summary>
/// Pressure-dependent powder-compaction plasticity with volumetric hardening: an elliptical yield cap in the
/// (p, q) plane through the hydrostatic compressive strength p_c and the hydrostatic tensile strength p_t,
/// <code>f(p, q, p_c) = q²/α² + (p − p_c)(p + p_t) ≤ 0</code>
/// (p = −tr σ/3, positive in compression; q = von Mises stress), associative flow, and p_c hardening with the plastic
/// compaction ε_v^p = −tr ε^p. This is the "crushable foam with volumetric hardening" of Deshpande &amp; Fleck
/// (J. Mech. Phys. Solids 48 (2000) 1253) in the form of the modified Cam-clay / Abaqus crushable-foam ellipse
/// (centre (p_c − p_t)/2, shape factor α), as used for die compaction of ceramic and pharmaceutical powders.
/// <para>
/// Relative density follows from mass conservation with the plastic volume change: D = D₀ / (1 − ε_v^p) (small strain:
/// the engineering volumetric strain, exact for uniaxial die compaction where J = 1 + ε_zz). Hardening is written as the
/// axial die pressure that uniaxial-strain compaction needs to reach D, a Heckel line
/// σ_a(D) = P₀ + ln((1 − D₀)/(1 − D)) / K_H (Heckel, Trans. Metall. Soc. AIME 221 (1961) 671), converted to p_c through the
/// closed form of rigid-plastic die compaction on this cap (<see cref="DieAxialOverCap"/>): so a single element in a die
/// reproduces the calibrated pressure–density curve, and D → 1 needs an infinite pressure.
/// </para>
/// <para>
/// Elasticity is linear with the moduli of the dense compact ("elastic once dense"): the loose powder's elastic strains are
/// therefore underestimated, but they are negligible next to the plastic compaction (tens of %), and unloading from the
/// pressed state — what sets the residual stresses on the tube — is governed by the compact's moduli.
/// Return mapping: closest-point projection, a 2×2 Newton on (Δλ, Δε_v^p); the algorithmic tangent is the
/// forward-difference derivative of that update (4 extra projections), symmetrised (associative flow, linear elasticity).
/// </para>
/// </summary>
public sealed class CompactionPlasticMaterial : Material
{
    /// <summary>Cap shape factor α (ratio of the q semi-axis to the p semi-axis).</summary>
    public double Alpha { get; }
    /// <summary>Hydrostatic tensile strength p_t, MPa (cohesion of the compact).</summary>
    public double TensileMPa { get; }
    /// <summary>Initial (loose/tap) relative density D₀.</summary>
    public double InitialRelativeDensity { get; }
    /// <summary>Axial die pressure at which the loose powder starts to compact, MPa.</summary>
    public double OnsetPressureMPa { get; }
    /// <summary>Heckel coefficient K_H, MPa⁻¹ (1/K_H is the Heckel "mean yield pressure").</summary>
    public double HeckelPerMPa { get; }

    /// <param name="name">Material name (for messages).</param>
    /// <param name="eMPa">Young's modulus of the dense compact, MPa.</param>
    /// <param name="nu">Poisson ratio of the dense compact.</param>
    /// <param name="alpha">Cap shape factor α &gt; 0.</param>
    /// <param name="tensileMPa">Hydrostatic tensile strength p_t ≥ 0, MPa.</param>
    /// <param name="initialRelativeDensity">Loose (tap) relative density D₀ in (0, 1).</param>
    /// <param name="onsetPressureMPa">Axial die pressure P₀ &gt; 0 at D₀, MPa.</param>
    /// <param name="heckelPerMPa">Heckel coefficient K_H &gt; 0, MPa⁻¹.</param>
    public CompactionPlasticMaterial(string name, double eMPa, double nu, double alpha, double tensileMPa, double initialRelativeDensity, double onsetPressureMPa, double heckelPerMPa) : base(name, eMPa, nu)
    {
        InputException.Require(double.IsFinite(alpha) && alpha > 0, $"{name}.alpha", $"cap shape factor must be positive, got {alpha}");
        InputException.Require(double.IsFinite(tensileMPa) && tensileMPa >= 0, $"{name}.tensile_mpa", $"must be ≥ 0, got {tensileMPa}");
        InputException.Require(double.IsFinite(initialRelativeDensity) && initialRelativeDensity is > 0 and < 1, $"{name}.initial_relative_density", $"must be in (0, 1), got {initialRelativeDensity}");
        InputException.Require(double.IsFinite(onsetPressureMPa) && onsetPressureMPa > 0, $"{name}.onset_pressure_mpa", $"must be positive, got {onsetPressureMPa}");
        InputException.Require(double.IsFinite(heckelPerMPa) && heckelPerMPa > 0, $"{name}.heckel_per_mpa", $"must be positive, got {heckelPerMPa}");
        Alpha = alpha; TensileMPa = tensileMPa; InitialRelativeDensity = initialRelativeDensity; OnsetPressureMPa = onsetPressureMPa; HeckelPerMPa = heckelPerMPa;
    }

    /// <summary>
    /// Calibrated from two points of the die-compaction curve: loose density D₀ at the onset pressure P₀ and density
    /// <paramref name="pressedRelativeDensity"/> at <paramref name="pressedAxialMPa"/>; α from the rigid-plastic lateral/axial
    /// stress ratio K₀ of uniaxial-strain compaction (<see cref="AlphaForLateralRatio"/>).
    /// </summary>
    public static CompactionPlasticMaterial Calibrated(string name, double eMPa, double nu, double lateralRatio, double tensileMPa,
        double initialRelativeDensity, double onsetPressureMPa, double pressedRelativeDensity, double pressedAxialMPa)
    {
        InputException.Require(double.IsFinite(pressedRelativeDensity) && pressedRelativeDensity > initialRelativeDensity && pressedRelativeDensity < 1,
            $"{name}.pressed_relative_density", $"must be in (D₀ = {initialRelativeDensity}, 1), got {pressedRelativeDensity}");
        InputException.Require(double.IsFinite(pressedAxialMPa) && pressedAxialMPa > onsetPressureMPa, $"{name}.pressed_axial_mpa", $"must exceed the onset pressure {onsetPressureMPa} MPa, got {pressedAxialMPa}");
        double k = Math.Log((1 - initialRelativeDensity) / (1 - pressedRelativeDensity)) / (pressedAxialMPa - onsetPressureMPa);
        return new CompactionPlasticMaterial(name, eMPa, nu, AlphaForLateralRatio(lateralRatio), tensileMPa, initialRelativeDensity, onsetPressureMPa, k);
    }

    /// <summary>s = √(1 + 4α²/9): in uniaxial-strain flow the state sits at p − p₀ = a/s on the cap (a its p semi-axis).</summary>
    static double S(double alpha) => Math.Sqrt(1 + 4 * alpha * alpha / 9);

    /// <summary>
    /// Closed form of rigid-plastic uniaxial-strain (die) compaction on the cap: plastic flow purely axial ⇒ dε_q/dε_v = 2/3 ⇒
    /// (2q/α²)/(2p − p_c + p_t) = 2/3; with the cap centre p₀ = (p_c − p_t)/2 and semi-axis a = (p_c + p_t)/2 this gives
    /// p − p₀ = a/s, q = 2α²(p − p₀)/3, s = √(1 + 4α²/9). Returns (axial, lateral) compressive stresses σ_a = p + 2q/3 = p₀ + a s
    /// and σ_l = p − q/3 = p₀ + (a/s)(1 − 2α²/9), MPa.
    /// </summary>
    public static (double AxialMPa, double LateralMPa) DieStresses(double alpha, double pcMPa, double ptMPa)
    {
        double p0 = 0.5 * (pcMPa - ptMPa), a = 0.5 * (pcMPa + ptMPa), s = S(alpha);
        return (p0 + a * s, p0 + a / s * (1 - 2 * alpha * alpha / 9));
    }

    /// <summary>σ_a / p_c for p_t = 0: (1 + s)/2.</summary>
    public static double DieAxialOverCap(double alpha) => 0.5 * (1 + S(alpha));

    /// <summary>Rigid-plastic lateral/axial stress ratio K₀ of die compaction for p_t = 0 (in (−½, 1), decreasing in α).</summary>
    public static double LateralRatio(double alpha) { var (a, l) = DieStresses(alpha, 1, 0); return l / a; }

    /// <summary>Inverse of <see cref="LateralRatio"/> (bisection), for K₀ in (0, 1).</summary>
    public static double AlphaForLateralRatio(double k0)
    {
        InputException.Require(double.IsFinite(k0) && k0 is > 0.01 and < 0.99, "se_lateral_ratio", $"die-compaction lateral/axial stress ratio must be in (0.01, 0.99), got {k0}");
        double lo = 1e-6, hi = 20;
        for (int i = 0; i < 200; i++) { double m = 0.5 * (lo + hi); if (LateralRatio(m) > k0) lo = m; else hi = m; }
        return 0.5 * (lo + hi);
    }

    /// <summary>Relative density from the plastic compaction ε_v^p = −tr ε^p: D = D₀/(1 − ε_v^p).</summary>
    public double RelativeDensity(double compaction) => InitialRelativeDensity / (1 - compaction);

    /// <summary>Relative density of an integration point (from its plastic strain).</summary>
    public double RelativeDensity(in PointState st) => RelativeDensity(-(st.P0 + st.P1 + st.P2));

    /// <summary>Axial die pressure (Heckel line) that reaches relative density D, MPa.</summary>
    public double DieAxialPressureMPa(double relativeDensity) => OnsetPressureMPa + Math.Log((1 - InitialRelativeDensity) / (1 - relativeDensity)) / HeckelPerMPa;

    /// <summary>Relative density reached in the die at axial pressure σ_a (inverse of <see cref="DieAxialPressureMPa"/>).</summary>
    public double DieRelativeDensity(double axialMPa) => axialMPa <= OnsetPressureMPa ? InitialRelativeDensity
        : 1 - (1 - InitialRelativeDensity) * Math.Exp(-HeckelPerMPa * (axialMPa - OnsetPressureMPa));

    /// <summary>Hydrostatic compressive strength p_c at plastic compaction ε_v^p, MPa, and dp_c/dε_v^p.</summary>
    public (double Pc, double DPc) CapPressure(double compaction)
    {
        double s = S(Alpha), d0 = InitialRelativeDensity;
        double cv = Math.Max(compaction, 0);
        double d = Math.Min(d0 / (1 - cv), 1 - 1e-12);
        if (compaction < 0) { double pc0 = (2 * OnsetPressureMPa - TensileMPa * (s - 1)) / (1 + s); return (Math.Max(pc0, 1e-9), 0); }
        double sa = DieAxialPressureMPa(d);
        // σ_a = p₀ + a s with p₀ = (p_c − p_t)/2, a = (p_c + p_t)/2  ⇒  p_c = (2σ_a − p_t (s − 1)) / (1 + s)
        double pc = (2 * sa - TensileMPa * (s - 1)) / (1 + s);
        double dsa = 1 / (HeckelPerMPa * (1 - d)) * d0 / ((1 - cv) * (1 - cv)); // dσ_a/dD · dD/dε_v
        return (Math.Max(pc, 1e-9), 2 * dsa / (1 + s));
    }

    public override void Update(ReadOnlySpan<double> e, in PointState c, double dtS, ref PointState t, Span<double> tangent)
    {
        if (!Project(e, c, ref t))
        {
            ElasticTangent(tangent);
            return;
        }
        // algorithmic tangent by forward differences of the projection (associative, linear elastic ⇒ symmetric; symmetrised)
        Span<double> ep = stackalloc double[4];
        double h = 1e-7 * Math.Max(1e-3, Math.Abs(e[0]) + Math.Abs(e[1]) + Math.Abs(e[2]) + Math.Abs(e[3]));
        PointState tp = default;
        for (int j = 0; j < 4; j++)
        {
            e.CopyTo(ep); ep[j] += h;
            Project(ep, c, ref tp);
            tangent[0 * 4 + j] = (tp.S0 - t.S0) / h; tangent[1 * 4 + j] = (tp.S1 - t.S1) / h;
            tangent[2 * 4 + j] = (tp.S2 - t.S2) / h; tangent[3 * 4 + j] = (tp.S3 - t.S3) / h;
        }
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < i; j++) { double m = 0.5 * (tangent[i * 4 + j] + tangent[j * 4 + i]); tangent[i * 4 + j] = m; tangent[j * 4 + i] = m; }
    }

    /// <summary>Stress update; returns true when the step is plastic.</summary>
    bool Project(ReadOnlySpan<double> e, in PointState c, ref PointState t)
    {
        double k = BulkMPa, g = ShearMPa, a2 = Alpha * Alpha, pt = TensileMPa;
        double e0 = e[0] - c.P0, e1 = e[1] - c.P1, e2 = e[2] - c.P2, g3 = e[3] - c.P3;
        double tr = e0 + e1 + e2, m = tr / 3;
        double s0 = 2 * g * (e0 - m), s1 = 2 * g * (e1 - m), s2 = 2 * g * (e2 - m), s3 = g * g3;
        double ptr = -k * tr;
        double qtr = Math.Sqrt(1.5 * (s0 * s0 + s1 * s1 + s2 * s2 + 2 * s3 * s3));
        double cv0 = -(c.P0 + c.P1 + c.P2);
        var (pc0, _) = CapPressure(cv0);
        t = c;
        double f0 = qtr * qtr / a2 + (ptr - pc0) * (ptr + pt);
        if (f0 <= 1e-12 * pc0 * pc0)
        {
            t.S0 = s0 - ptr; t.S1 = s1 - ptr; t.S2 = s2 - ptr; t.S3 = s3;
            return false;
        }
        // Closest-point projection as two nested monotone scalar problems. For a given Δλ: q = q_tr/(1 + 6GΔλ/α²) and
        // p = (p_tr + KΔλ(p_c − p_t))/(1 + 2KΔλ) with p_c = p_c(ε_v,n + Δε_v), where Δε_v solves g(Δε_v) = Δε_v − (p_tr − p)/K = 0
        // (g' = 1 + Δλ p_c'/(1 + 2KΔλ) > 0: unique root). Then F(Δλ) = f(p, q, p_c) goes from f_tr > 0 at Δλ = 0 to −a² < 0 as
        // Δλ → ∞ (q → 0, p → cap centre); its root is bracketed and found by Illinois regula falsi.
        double dvMax = 1 - InitialRelativeDensity - cv0 - 1e-12;
        double p = ptr, q = qtr, pc = pc0, dv = 0;
        double scale2 = Math.Max(pc0 * pc0, 1);
        double F(double dl)
        {
            double den = 1 + 2 * k * dl;
            // inner: Δε_v by safeguarded Newton on [lo, hi]
            double lo = -1, hi = dvMax, x = Math.Clamp(dv, lo, hi);
            for (int it = 0; it < 200; it++)
            {
                var (pcx, hx) = CapPressure(cv0 + x);
                double px = (ptr + k * dl * (pcx - pt)) / den;
                double gr = x - (ptr - px) / k;
                if (gr > 0) hi = x; else lo = x;
                double dg = 1 + dl * hx / den;
                double nx = x - gr / dg;
                if (!(nx > lo && nx < hi)) nx = 0.5 * (lo + hi);
                if (Math.Abs(nx - x) <= 1e-15 * (1 + Math.Abs(x)) || hi - lo <= 1e-16) { x = nx; break; }
                x = nx;
            }
            dv = x;
            (pc, _) = CapPressure(cv0 + dv);
            p = (ptr + k * dl * (pc - pt)) / den;
            q = qtr / (1 + 6 * g * dl / a2);
            return (q * q / a2 + (p - pc) * (p + pt)) / scale2;
        }
        double aL = 0, fL = f0 / scale2, aH = 1e-9 / Math.Max(pc0, 1), fH = F(aH);
        for (int i = 0; i < 200 && fH > 0; i++) { aL = aH; fL = fH; aH *= 4; fH = F(aH); }
        double dlam = aH; int side = 0;
        for (int it = 0; it < 300; it++)
        {
            dlam = (aL * fH - aH * fL) / (fH - fL);
            if (!(dlam > aL && dlam < aH)) dlam = 0.5 * (aL + aH);
            double fm = F(dlam);
            if (Math.Abs(fm) < 1e-15 || (aH - aL) <= 1e-15 * aH) break;
            if (fm > 0) { aL = dlam; fL = fm; if (side == 1) fH *= 0.5; side = 1; }
            else { aH = dlam; fH = fm; if (side == -1) fL *= 0.5; side = -1; }
        }
        F(dlam);
        double theta = qtr > 0 ? q / qtr : 0;
        t.S0 = theta * s0 - p; t.S1 = theta * s1 - p; t.S2 = theta * s2 - p; t.S3 = theta * s3;
        // plastic strain increment: Δε^p = −(Δε_v/3) I + Δε_q (3/2) s/q, Δε_q = (q_tr − q)/(3G)
        double dqp = (qtr - q) / (3 * g);
        double f = qtr > 0 ? 1.5 * dqp / qtr : 0;
        t.P0 = c.P0 - dv / 3 + f * s0; t.P1 = c.P1 - dv / 3 + f * s1; t.P2 = c.P2 - dv / 3 + f * s2; t.P3 = c.P3 + 2 * f * s3;
        t.Eqps = c.Eqps + dqp;
        return true;
    }

    /// <summary>Yield function value f(σ, p_c) normalised by p_c² (≤ 0 inside), for checks.</summary>
    public double YieldFunction(in PointState st)
    {
        double p = st.Pressure, q = st.VonMises;
        var (pc, _) = CapPressure(-(st.P0 + st.P1 + st.P2));
        return (q * q / (Alpha * Alpha) + (p - pc) * (p + TensileMPa)) / (pc * pc);
    }
}

/// <summary>Parameters of the argyrodite powder compaction law with their sources (see <see cref="CellMaterials.SolidElectrolytePowder"/>).</summary>
public static class SePowder
{
    /// <summary>Relative density of the pellet after cold pressing at 300 MPa: 1 − 0.1625 (the 16.25 % porosity the paper's phase-field
    /// model takes "consistent with the experimental measurements", Cao et al. 2023; <see cref="Synthetic.CellGeometry.SePorosity"/>).
    /// Consistent with the ≈ 82–83 % relative density that application notes quote for Li6PS5Cl cold-pressed at 360–400 MPa
    /// (kinteksolution.com FAQ pages on LPSCl pelletising); the primary compaction curves (Doux et al., J. Mater. Chem. A 8 (2020) 5049;
    /// Sakuda et al., Sci. Rep. 3 (2013) 2261) could not be read in the reference store to check their numbers.</summary>
    public const double PressedRelativeDensity = 1 - 0.1625;
    /// <summary>Pressing pressure of the paper, MPa.</summary>
    public const double PressedAxialMPa = 300;
    /// <summary>Loose (tap) relative density of the powder. ASSUMPTION: 0.40 — the paper gives no loose density; fine ceramic and sulfide
    /// electrolyte powders pour/tap at ≈ 0.3–0.5 of their crystal density. Sets the initial thickness (and the compaction stroke).</summary>
    public const double TapRelativeDensity = 0.40;
    /// <summary>Axial pressure at which the loose powder starts to compact plastically, MPa. ASSUMPTION (1 MPa): rearrangement starts
    /// at once; the Heckel line is anchored here and at the pressed density.</summary>
    public const double OnsetPressureMPa = 1;
    /// <summary>Hydrostatic tensile strength of the compact, MPa. ASSUMPTION (0.5 MPa): green compacts of sulfide electrolytes hold together
    /// but are weak in tension; the value only matters where release leaves tension.</summary>
    public const double TensileMPa = 0.5;
}
