namespace SoftShort.Mechanics;

/// <summary>
/// State of one integration point: stress and plastic (inelastic) strain in axisymmetric Voigt order
/// [rr, zz, θθ, rz] (stress in MPa; strain dimensionless with the shear as engineering strain γ_rz), the equivalent
/// inelastic strain p, and the strain the point was born with (element birth: later strain is measured from it).
/// </summary>
public struct PointState
{
    public double S0, S1, S2, S3;
    public double P0, P1, P2, P3;
    public double Eqps;
    public double B0, B1, B2, B3;
    /// <summary>Updated Lagrangian only: accumulated (objectively rotated) strain increments since birth, Voigt with engineering shear.</summary>
    public double E0, E1, E2, E3;

    public readonly double VonMises
    {
        get
        {
            double m = (S0 + S1 + S2) / 3, a = S0 - m, b = S1 - m, c = S2 - m;
            return Math.Sqrt(1.5 * (a * a + b * b + c * c + 2 * S3 * S3));
        }
    }
    /// <summary>Hydrostatic pressure, MPa (positive in compression).</summary>
    public readonly double Pressure => -(S0 + S1 + S2) / 3;
}

/// <summary>
/// A small-strain constitutive law with return mapping: given the total strain of a point, its committed state and
/// the time increment, returns the stress, the consistent (algorithmic) tangent and the trial state.
/// </summary>
public abstract class Material
{
    /// <summary>Young's modulus, MPa.</summary>
    public double EMPa { get; }
    /// <summary>Poisson ratio.</summary>
    public double Nu { get; }
    public string Name { get; }
    public double ShearMPa => EMPa / (2 * (1 + Nu));
    public double BulkMPa => EMPa / (3 * (1 - 2 * Nu));
    /// <summary>True when the algorithmic tangent is not symmetric (the solver then keeps it and factorises with LU).</summary>
    public virtual bool UnsymmetricTangent => false;

    protected Material(string name, double eMPa, double nu)
    {
        InputException.Require(double.IsFinite(eMPa) && eMPa > 0, $"{name}.e_mpa", $"Young's modulus must be positive, got {eMPa}");
        InputException.Require(double.IsFinite(nu) && nu > -1 && nu < 0.5, $"{name}.nu", $"Poisson ratio must be in (-1, 0.5) for a compressible solid, got {nu}");
        Name = name; EMPa = eMPa; Nu = nu;
    }

    /// <summary>
    /// Stress update. <paramref name="strain"/>: total mechanical strain (4, Voigt, engineering shear) minus the birth strain
    /// and eigenstrain; <paramref name="dtS"/>: time increment, s. Writes the stress and the 4×4 tangent (row-major) into
    /// <paramref name="trial"/> and <paramref name="tangent"/>.
    /// </summary>
    public abstract void Update(ReadOnlySpan<double> strain, in PointState committed, double dtS, ref PointState trial, Span<double> tangent);

    /// <summary>Elastic isotropic stiffness in Voigt [rr, zz, θθ, rz] with engineering shear.</summary>
    public void ElasticTangent(Span<double> c)
    {
        double k = BulkMPa, g = ShearMPa;
        c.Clear();
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                c[i * 4 + j] = k + (i == j ? 4.0 / 3 * g : -2.0 / 3 * g);
        c[15] = g;
    }

    /// <summary>
    /// Shared J2 radial return: elastic trial from (strain − committed plastic strain), then <paramref name="returnMap"/>
    /// maps the trial Mises stress q_tr to (Δp, dq/dq_tr); the consistent tangent is
    /// C = K 1⊗1 + 2Gθ I_dev + 2G (q′ − θ) n⊗n with θ = q/q_tr (Simo &amp; Hughes 1998, "Computational Inelasticity", §3.3).
    /// </summary>
    protected void RadialReturn(ReadOnlySpan<double> e, in PointState c, ref PointState t, Span<double> tangent, Func<double, double, (double Dp, double DqDqtr)> returnMap)
    {
        double k = BulkMPa, g = ShearMPa;
        double e0 = e[0] - c.P0, e1 = e[1] - c.P1, e2 = e[2] - c.P2, g3 = e[3] - c.P3;
        double tr = e0 + e1 + e2, m = tr / 3;
        double d0 = e0 - m, d1 = e1 - m, d2 = e2 - m, d3 = g3 / 2; // deviatoric tensor components
        double s0 = 2 * g * d0, s1 = 2 * g * d1, s2 = 2 * g * d2, s3 = 2 * g * d3;
        double norm = Math.Sqrt(s0 * s0 + s1 * s1 + s2 * s2 + 2 * s3 * s3);
        double qtr = Math.Sqrt(1.5) * norm;
        var (dp, qp) = qtr > 0 ? returnMap(qtr, c.Eqps) : (0, 1);
        t = c;
        if (dp <= 0)
        {
            t.S0 = k * tr + s0; t.S1 = k * tr + s1; t.S2 = k * tr + s2; t.S3 = s3;
            ElasticTangent(tangent);
            return;
        }
        double n0 = s0 / norm, n1 = s1 / norm, n2 = s2 / norm, n3 = s3 / norm;
        double q = qtr - 3 * g * dp, theta = q / qtr;
        t.S0 = k * tr + theta * s0; t.S1 = k * tr + theta * s1; t.S2 = k * tr + theta * s2; t.S3 = theta * s3;
        double f = Math.Sqrt(1.5) * dp;
        t.P0 = c.P0 + f * n0; t.P1 = c.P1 + f * n1; t.P2 = c.P2 + f * n2; t.P3 = c.P3 + 2 * f * n3;
        t.Eqps = c.Eqps + dp;
        Span<double> n = [n0, n1, n2, n3];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
            {
                double idev = i < 3 && j < 3 ? (i == j ? 2.0 / 3 : -1.0 / 3) : (i == 3 && j == 3 ? 0.5 : 0);
                double vol = i < 3 && j < 3 ? k : 0;
                tangent[i * 4 + j] = vol + 2 * g * theta * idev + 2 * g * (qp - theta) * n[i] * n[j];
            }
    }
}

/// <summary>Linear isotropic elasticity.</summary>
public sealed class ElasticMaterial(string name, double eMPa, double nu) : Material(name, eMPa, nu)
{
    public override void Update(ReadOnlySpan<double> e, in PointState c, double dtS, ref PointState t, Span<double> tangent)
    {
        ElasticTangent(tangent);
        t = c;
        t.S0 = tangent[0] * e[0] + tangent[1] * e[1] + tangent[2] * e[2];
        t.S1 = tangent[4] * e[0] + tangent[5] * e[1] + tangent[6] * e[2];
        t.S2 = tangent[8] * e[0] + tangent[9] * e[1] + tangent[10] * e[2];
        t.S3 = tangent[15] * e[3];
    }
}

/// <summary>
/// Rate-independent J2 (von Mises) plasticity with linear isotropic hardening σ_y(p) = σ_y0 + H p, associative flow,
/// radial return (Wilkins 1964; Simo &amp; Hughes 1998 Box 3.2).
/// </summary>
public sealed class J2PlasticMaterial : Material
{
    public double YieldMPa { get; }
    public double HardeningMPa { get; }

    public J2PlasticMaterial(string name, double eMPa, double nu, double yieldMPa, double hardeningMPa) : base(name, eMPa, nu)
    {
        InputException.Require(double.IsFinite(yieldMPa) && yieldMPa > 0, $"{name}.yield_mpa", $"must be positive, got {yieldMPa}");
        InputException.Require(double.IsFinite(hardeningMPa) && hardeningMPa >= 0, $"{name}.hardening_mpa", $"must be ≥ 0, got {hardeningMPa}");
        YieldMPa = yieldMPa; HardeningMPa = hardeningMPa;
    }

    public override void Update(ReadOnlySpan<double> e, in PointState c, double dtS, ref PointState t, Span<double> tangent)
    {
        double g = ShearMPa, h = HardeningMPa, sy0 = YieldMPa;
        RadialReturn(e, c, ref t, tangent, (qtr, p) =>
        {
            double f = qtr - (sy0 + h * p);
            return f <= 0 ? (0, 1) : (f / (3 * g + h), h / (3 * g + h));
        });
    }
}

/// <summary>
/// Elastic – power-law creep – plastic solid for Li metal: Norton creep ε̇ = A σ_vM^n exp(−Q/RT) (J2 flow),
/// integrated by backward Euler, capped by a rate-independent J2 yield σ_y0 + H p (the "viscoelastic-plastic" Li of the
/// paper, section 2.6). Parameters and their sources are in <see cref="CellMaterials.Lithium"/>.
/// </summary>
public sealed class CreepPlasticMaterial : Material
{
    /// <summary>Norton prefactor at the temperature, s⁻¹ MPa⁻ⁿ (already multiplied by exp(−Q/RT)).</summary>
    public double RatePerSPerMPaN { get; }
    public double Exponent { get; }
    public double YieldMPa { get; }
    public double HardeningMPa { get; }

    public CreepPlasticMaterial(string name, double eMPa, double nu, double rate, double exponent, double yieldMPa, double hardeningMPa) : base(name, eMPa, nu)
    {
        InputException.Require(double.IsFinite(rate) && rate >= 0, $"{name}.creep_rate", $"must be ≥ 0, got {rate}");
        InputException.Require(double.IsFinite(exponent) && exponent >= 1, $"{name}.creep_exponent", $"must be ≥ 1, got {exponent}");
        InputException.Require(double.IsFinite(yieldMPa) && yieldMPa > 0, $"{name}.yield_mpa", $"must be positive, got {yieldMPa}");
        RatePerSPerMPaN = rate; Exponent = exponent; YieldMPa = yieldMPa; HardeningMPa = hardeningMPa;
    }

    /// <summary>Steady creep strain rate at a Mises stress, s⁻¹.</summary>
    public double CreepRate(double vonMisesMPa) => RatePerSPerMPaN * Math.Pow(vonMisesMPa, Exponent);

    public override void Update(ReadOnlySpan<double> e, in PointState c, double dtS, ref PointState t, Span<double> tangent)
    {
        double g = ShearMPa, h = HardeningMPa, sy0 = YieldMPa, a = RatePerSPerMPaN * dtS, n = Exponent;
        RadialReturn(e, c, ref t, tangent, (qtr, p) =>
        {
            double dp = 0, qp = 1;
            if (a > 0)
            {
                // solve r(Δp) = Δp − a (q_tr − 3GΔp)^n = 0 by safeguarded Newton on [0, q_tr/3G]
                double lo = 0, hi = qtr / (3 * g);
                dp = Math.Min(a * Math.Pow(qtr, n), hi * 0.5);
                for (int it = 0; it < 100; it++)
                {
                    double q = qtr - 3 * g * dp;
                    double r = dp - a * Math.Pow(q, n);
                    if (r > 0) hi = dp; else lo = dp;
                    double dr = 1 + 3 * g * a * n * Math.Pow(q, n - 1);
                    double next = dp - r / dr;
                    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
                    if (Math.Abs(next - dp) <= 1e-15 * Math.Max(1e-12, hi)) { dp = next; break; }
                    dp = next;
                }
                double qc = qtr - 3 * g * dp;
                double cc = a * n * Math.Pow(qc, n - 1);
                qp = 1 / (1 + 3 * g * cc);
            }
            double qAfter = qtr - 3 * g * dp, ylim = sy0 + h * (p + dp);
            if (qAfter > ylim)
            {
                double f = qtr - (sy0 + h * p);
                return (f / (3 * g + h), h / (3 * g + h));
            }
            return (dp, qp);
        });
    }
}

/// <summary>Materials of the cell with their literature sources. Units: MPa, s.</summary>
public static class CellMaterials
{
    /// <summary>Gas constant, J mol⁻¹ K⁻¹ (CODATA 2018, exact).</summary>
    public const double GasConstant = 8.314462618;

    /// <summary>
    /// Li metal with the earlier calibrated (not cited) prefactor — kept for comparison; the cell uses <see cref="LithiumNarayanAnand"/> by default.
    /// Li metal (paper section 2.6, ref. 9: Masias, Felten, Garcia-Mendez, Wolfenstine, Sakamoto, J. Mater. Sci. 54 (2019) 2585):
    /// E = 7.82 GPa, ν = 0.381 (from E and G = 2.83 GPa of Masias et al.), yield ≈ 0.8 MPa (paper), power-law creep
    /// stress exponent n = 6.56 (Masias et al., room-temperature creep). Activation energy Q = 37 kJ mol⁻¹ (LePage,
    /// Chen, Poli, Li, Dasgupta, J. Electrochem. Soc. 166 (2019) A89). Prefactor: ASSUMPTION calibrated so that the
    /// steady creep rate at the 0.8 MPa yield stress is 5×10⁻⁴ s⁻¹ at 298 K, the quasi-static strain rate of the
    /// tensile tests in which that yield stress is measured; i.e. Li flows at its yield stress at test speed.
    /// Override with <paramref name="creepRateAtYieldPerS"/>.
    /// </summary>
    /// <param name="temperatureK">Temperature, K (enters through Q).</param>
    /// <param name="creepRateAtYieldPerS">Creep rate at the yield stress, s⁻¹ (prefactor calibration).</param>
    /// <param name="yieldMPa">Yield stress, MPa (paper: ≈ 0.8).</param>
    /// <param name="hardeningMPa">Linear hardening after yield, MPa per unit plastic strain. ASSUMPTION (default 5): a slight hardening
    /// keeps a fully yielded Li layer that slides on a frictionless face from becoming a zero-stiffness mechanism.</param>
    /// <param name="eMPa">Young's modulus, MPa (default: the sourced value above).</param>
    /// <param name="nu">Poisson ratio (default: the sourced value above).</param>
    public static CreepPlasticMaterial Lithium(double temperatureK = 298.15, double creepRateAtYieldPerS = 5e-4, double yieldMPa = 0.8, double hardeningMPa = 5, double eMPa = 7820, double nu = 0.381)
    {
        const double n = 6.56, q = 37e3, tRef = 298.15;
        double aRef = creepRateAtYieldPerS / Math.Pow(yieldMPa, n);           // at tRef
        double a = aRef * Math.Exp(-q / GasConstant * (1 / temperatureK - 1 / tRef));
        return new CreepPlasticMaterial("li", eMPa, nu, a, n, yieldMPa, hardeningMPa);
    }

    /// <summary>Narayan &amp; Anand (2018) flow-rule constants for Li (see <see cref="LithiumNarayanAnand"/>).</summary>
    public static class NarayanAnand
    {
        /// <summary>Pre-exponential factor A, s⁻¹.</summary>
        public const double PrefactorPerS = 4.25e4;
        /// <summary>Activation energy Q, J mol⁻¹ (37 kJ mol⁻¹, as LePage et al. 2019 measured).</summary>
        public const double ActivationEnergyJPerMol = 37e3;
        /// <summary>Strain-rate sensitivity m (stress exponent 1/m ≈ 6.67; Masias et al. 2019 measured n = 6.56 in creep).</summary>
        public const double RateSensitivity = 0.15;
        /// <summary>Initial flow resistance S₀, MPa (annealed Li).</summary>
        public const double InitialFlowResistanceMPa = 0.95;
        /// <summary>Saturation coefficient S̃ of the flow resistance, MPa, and its rate exponent n: S* = S̃ (ν/(A e^(−Q/RT)))ⁿ.</summary>
        public const double SaturationCoefficientMPa = 2.0, SaturationExponent = 0.05;

        /// <summary>A exp(−Q/RT), s⁻¹, at temperature T (K).</summary>
        public static double ReferenceRatePerS(double temperatureK) => PrefactorPerS * Math.Exp(-ActivationEnergyJPerMol / (GasConstant * temperatureK));

        /// <summary>Saturation flow resistance S* at an equivalent plastic strain rate, MPa (where S settles under steady flow).</summary>
        public static double SaturationFlowResistanceMPa(double strainRatePerS, double temperatureK = 298.15) =>
            SaturationCoefficientMPa * Math.Pow(strainRatePerS / ReferenceRatePerS(temperatureK), SaturationExponent);
    }

    /// <summary>
    /// Li metal with the cited viscoplastic flow rule of Narayan &amp; Anand, "A large deformation elastic–viscoplastic model for lithium",
    /// Extreme Mech. Lett. 24 (2018) 21–29, fitted to the tension tests of LePage et al. (J. Electrochem. Soc. 166 (2019) A89) at
    /// 198–353 K and 5×10⁻⁴–5×10⁻² s⁻¹: ν^p = A exp(−Q/RT) (σ̄/S)^{1/m}, A = 4.25×10⁴ s⁻¹, Q = 37 kJ mol⁻¹, m = 0.15, flow resistance
    /// S evolving from S₀ = 0.95 MPa towards S* = 2.0 MPa (ν^p/(A e^{−Q/RT}))^0.05 (H₀ = 10 MPa, a = 2). (These numbers were checked against an
    /// independent implementation's input deck — the MOOSE electro-chemo-mechanics app's IsoTropicHyperViscoCreep example: pre_factor 4.25e4,
    /// activation_energy 37 kJ/mol, rate_exponent 0.15, initial_resistance 0.95 MPa, saturation_resistance 2.0 MPa, saturation_exponent 0.05,
    /// hardening_modulus 10 MPa, hardening_exponent 2 — not against the paper's own table, which the reference store does not hold.)
    /// Converted to our Norton form ε̇ = A_N σⁿ with a fixed flow resistance S: n = 1/m = 6.667 (Masias et al. 2019 measured 6.56),
    /// A_N = A exp(−Q/RT) / S^{1/m} [s⁻¹ MPa⁻ⁿ]; at 298.15 K, A exp(−Q/RT) = 1.40×10⁻² s⁻¹, so with S = S₀ = 0.95 MPa the creep rate at the
    /// 0.8 MPa yield stress is 4.45×10⁻³ s⁻¹ (A_N = 1.97×10⁻² s⁻¹ MPa^−6.67). The evolving S is not modelled: <paramref name="flowResistanceMPa"/>
    /// picks S (S₀ by default; the saturation value at the ≈ 10⁻⁶ s⁻¹ creep rates of the charge step is 1.24 MPa, see
    /// <see cref="NarayanAnand.SaturationFlowResistanceMPa"/>). The equivalent stress and strain rate are taken as the tensile (Mises) measures.
    /// Capped, as in <see cref="Lithium"/>, by the rate-independent yield σ_y0 + H p.
    /// </summary>
    /// <param name="temperatureK">Temperature, K.</param>
    /// <param name="flowResistanceMPa">Fixed flow resistance S, MPa (default S₀ = 0.95).</param>
    /// <param name="yieldMPa">Rate-independent yield cap, MPa (paper: ≈ 0.8).</param>
    /// <param name="hardeningMPa">Linear hardening of the yield cap, MPa per unit plastic strain (assumption, see <see cref="Lithium"/>).</param>
    /// <param name="eMPa">Young's modulus, MPa (default: the sourced value above).</param>
    /// <param name="nu">Poisson ratio (default: the sourced value above).</param>
    public static CreepPlasticMaterial LithiumNarayanAnand(double temperatureK = 298.15, double flowResistanceMPa = NarayanAnand.InitialFlowResistanceMPa, double yieldMPa = 0.8, double hardeningMPa = 5, double eMPa = 7820, double nu = 0.381)
    {
        InputException.Require(double.IsFinite(flowResistanceMPa) && flowResistanceMPa > 0, "li.flow_resistance_mpa", $"must be positive, got {flowResistanceMPa}");
        InputException.Require(double.IsFinite(temperatureK) && temperatureK > 0, "li.temperature_k", $"must be positive, got {temperatureK}");
        double n = 1 / NarayanAnand.RateSensitivity;
        double a = NarayanAnand.ReferenceRatePerS(temperatureK) / Math.Pow(flowResistanceMPa, n);
        return new CreepPlasticMaterial("li", eMPa, nu, a, n, yieldMPa, hardeningMPa);
    }

    /// <summary>
    /// Coulomb friction coefficient of PTFE sliding on steel at slow speed: 0.04 — K. V. Shooter, P. H. Thomas, "Frictional properties of
    /// some plastics", Research (London) 2 (1949) 533 (Bowden–Leben machine, 1–4 kg, 0.1–10 mm/s: the first published PTFE value); R. F. King,
    /// D. Tabor, Proc. Phys. Soc. B 66 (1953) 728, found ≈ 0.1 nearly constant from −45 to 100 °C, and higher speeds raise it (Flom &amp;
    /// Porile: 0.36 at 1.9 m/s and light load). Both quoted from a PTFE handbook summary (reference store), not read in the original.
    /// The cell's sliding is slow (µm s⁻¹) under MPa contact pressures, the low-friction regime. Used by the cell model only on request
    /// (<see cref="CellFeConfig.FrictionCoefficient"/>; default frictionless, see there).
    /// </summary>
    public const double PtfeOnSteelFriction = 0.04;

    /// <summary>AISI 316 stainless steel, linear elastic: E = 193 GPa, ν = 0.29 (ASM Handbook vol. 1; AK Steel 316 data sheet).</summary>
    public static ElasticMaterial StainlessSteel(double eMPa = 193e3, double nu = 0.29) => new("ss", eMPa, nu);

    /// <summary>
    /// PTFE at room temperature: E ≈ 0.5 GPa, ν = 0.46, compressive yield ≈ 10 MPa, near-linear true-stress hardening
    /// ≈ 40 MPa per unit strain up to ~50 % strain (Rae &amp; Dattelbaum, Polymer 45 (2004) 7615, Fig. 3, 23 °C).
    /// </summary>
    public static J2PlasticMaterial Ptfe(double yieldMPa = 10, double hardeningMPa = 40, double eMPa = 500, double nu = 0.46) => new("ptfe", eMPa, nu, yieldMPa, hardeningMPa);

    /// <summary>
    /// PEEK (for the exercise in the notebook): E ≈ 3.6 GPa, ν = 0.40, yield ≈ 100 MPa (Victrex 450G data sheet), H ≈ 200 MPa (assumed).
    /// </summary>
    public static J2PlasticMaterial Peek(double eMPa = 3600, double nu = 0.40) => new("peek", eMPa, nu, 100, 200);

    /// <summary>
    /// Argyrodite SE compact: E ≈ 22 GPa, ν = 0.27 (sulfide argyrodite Li6PS5Cl compacts: E ≈ 20–30 GPa, Papakyriakou et al.,
    /// J. Power Sources 516 (2021) 230672 review). The powder-compaction behaviour is represented by J2 plasticity with a
    /// yield stress that sets how much of the 300 MPa axial pressing load is passed sideways onto the tube
    /// (σ_r = σ_z + σ_y in confined compression). ASSUMPTION: 290 MPa, i.e. ≈ 10 MPa lateral pressure at 300 MPa (≈ the PTFE yield stress, giving a bulge of tens of µm) — a
    /// pressure-independent stand-in for a Drucker–Prager cap, documented in docs/fe.md.
    /// </summary>
    public static J2PlasticMaterial SolidElectrolyte(double yieldMPa = 290, double hardeningMPa = 0, double eMPa = 22e3, double nu = 0.27) => new("se", eMPa, nu, yieldMPa, hardeningMPa);

    /// <summary>
    /// Argyrodite Li5.4PS4.4Cl1.6 powder as it is pressed: <see cref="CompactionPlasticMaterial"/> (elliptical cap, volumetric hardening) with
    /// the dense-compact elasticity of <see cref="SolidElectrolyte"/> (E ≈ 22 GPa, ν = 0.27), calibrated so that uniaxial die compaction
    /// follows a Heckel line from the tap density <paramref name="tapRelativeDensity"/> (at 1 MPa) to 83.75 % at 300 MPa
    /// (<see cref="SePowder"/>: the paper's porosity), with the rigid-plastic lateral/axial stress ratio
    /// <paramref name="lateralRatio"/> of die compaction (ASSUMPTION, default 0.4: typical of die-compacted ductile powders — the value that sets
    /// the lateral pressure on the tube; no measurement for argyrodites was found).
    /// </summary>
    /// <param name="lateralRatio">K₀ = σ_lateral/σ_axial in rigid-plastic die compaction, in (0.01, 0.99).</param>
    /// <param name="tapRelativeDensity">Loose (tap) relative density, default 0.40 (assumption).</param>
    /// <param name="pressedRelativeDensity">Relative density at <paramref name="pressedAxialMPa"/>, default 0.8375 (paper).</param>
    /// <param name="pressedAxialMPa">Axial die pressure of the calibration point, MPa (default 300).</param>
    /// <param name="eMPa">Young's modulus, MPa (default: the sourced value above).</param>
    /// <param name="nu">Poisson ratio (default: the sourced value above).</param>
    public static CompactionPlasticMaterial SolidElectrolytePowder(double lateralRatio = 0.4, double tapRelativeDensity = SePowder.TapRelativeDensity,
        double pressedRelativeDensity = SePowder.PressedRelativeDensity, double pressedAxialMPa = SePowder.PressedAxialMPa, double eMPa = 22e3, double nu = 0.27)
        => CompactionPlasticMaterial.Calibrated("se", eMPa, nu, lateralRatio, SePowder.TensileMPa, tapRelativeDensity, SePowder.OnsetPressureMPa, pressedRelativeDensity, pressedAxialMPa);

    /// <summary>NMC811 composite cathode, linear elastic: E ≈ 15 GPa, ν = 0.3 (ASSUMPTION: porous NMC/SE composite; the cathode barely deforms in this model).</summary>
    public static ElasticMaterial Cathode(double eMPa = 15e3, double nu = 0.3) => new("cathode", eMPa, nu);
}
