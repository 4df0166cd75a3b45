namespace SoftShort.PhaseField;

/// <summary>
/// One documented parameter set for the Li-dendrite phase-field model of Cao et al. (Adv. Funct. Mater. 2023, section 2.4
/// and "Phase Field Simulation Method"). Their Table S2 is not available to us: every value carries its source below; the
/// deposition eigenstrain is derived (not cited) and the numerical parameters (Γ, interface cells, transport ratios) are
/// marked as such. Lengths in µm, time in s, potentials in V.
/// </summary>
public sealed record DendriteParameters
{
    // ---- geometry (paper, section 2.4) ----
    /// <summary>Domain width along x (Li anode on the left, SE on the right), µm. Paper: 1000.</summary>
    public double DomainWidthUm { get; init; } = 1000;
    /// <summary>Domain height along y, µm. Paper: 500.</summary>
    public double DomainHeightUm { get; init; } = 500;
    /// <summary>Li anode thickness, µm. Paper: 200.</summary>
    public double LiThicknessUm { get; init; } = 200;
    /// <summary>Grid spacing, µm. Default 2 (issue 8: each pressure at 2 µm, one run at 1 µm).</summary>
    public double DxUm { get; init; } = 2;
    /// <summary>SE porosity (fraction). Paper: 16.25 %.</summary>
    public double Porosity { get; init; } = 0.1625;
    /// <summary>Mean pore diameter, µm. Paper: 10.</summary>
    public double MeanPoreDiameterUm { get; init; } = 10;
    /// <summary>Seed of the pore microstructure.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Number of Li protrusions on the Li|SE interface. Paper: four.</summary>
    public int ProtrusionCount { get; init; } = 4;
    /// <summary>Protrusion radius (half-disc), µm. Assumed (Fig. S11 not available): one pore diameter.</summary>
    public double ProtrusionRadiusUm { get; init; } = 10;

    // ---- loading (paper) ----
    /// <summary>Potential of the left (Li) boundary, V. Paper: −0.35 V (right boundary 0 V).</summary>
    public double AppliedVoltageV { get; init; } = -0.35;
    /// <summary>External pressure on the right (SE) boundary, MPa. Paper: 0, 5, 10.</summary>
    public double PressureMPa { get; init; }
    /// <summary>Plating time, s. Paper: 500.</summary>
    public double TimeS { get; init; } = 500;

    // ---- electrochemistry ----
    /// <summary>Temperature, K. 300 K gives F/RT = 38.68 V⁻¹ (Hong &amp; Viswanathan, ACS Energy Lett. 3 (2018) 1737: 38.69).</summary>
    public double TemperatureK { get; init; } = 300;
    /// <summary>Charge-transfer coefficient α. Hong &amp; Viswanathan 2018: 0.5.</summary>
    public double Alpha { get; init; } = 0.5;
    /// <summary>Site density of Li metal c_s, mol m⁻³. Hong &amp; Viswanathan 2018: 7.69×10⁴ (= 1/V_m).</summary>
    public double LiSiteDensityMolPerM3 { get; init; } = 7.69e4;
    /// <summary>Molar volume of Li, m³ mol⁻¹. 1.30×10⁻⁵ (= M/ρ, CRC Handbook; issue 8).</summary>
    public double LiMolarVolumeM3PerMol { get; init; } = 1.30e-5;
    /// <summary>Electronic conductivity of Li metal, S m⁻¹. Hong &amp; Viswanathan 2018: 10⁷.</summary>
    public double LiConductivitySPerM { get; init; } = 1e7;
    /// <summary>Ionic conductivity of the argyrodite SE, S m⁻¹. Paper: 7.8 mS cm⁻¹ = 0.78 S m⁻¹.</summary>
    public double SeIonicConductivitySPerM { get; init; } = 0.78;
    /// <summary>Electronic conductivity of the SE, S m⁻¹. Paper (DC measurement): 3.2×10⁻⁹ S cm⁻¹ = 3.2×10⁻⁷ S m⁻¹.</summary>
    public double SeElectronicConductivitySPerM { get; init; } = 3.2e-7;
    /// <summary>
    /// Concentration of mobile Li⁺ in the SE, mol m⁻³: 24 Li per cubic cell of a = 9.85 Å (Li₆PS₅Cl, Z = 4;
    /// Deiseroth et al., Angew. Chem. Int. Ed. 47 (2008) 755) → 4.17×10⁴.
    /// </summary>
    public double SeLiConcentrationMolPerM3 { get; init; } = 4.17e4;
    /// <summary>
    /// Exchange current density of the Li|SE reaction, A m⁻². Default 323 A m⁻² = 32.3 mA cm⁻² = RT/(F R_P) with the total
    /// polarization resistance R_P ≈ 0.8 Ω cm² of a fresh Li|Li₆PS₅Cl interface measured with Li microelectrodes by in-situ
    /// SEM ("Non-Linear Kinetics of The Lithium Metal Anode on Li6PS5Cl at High Current Density: Dendrite Growth and the
    /// Role of Lithium Microstructure on Creep", abstract at https://www.biocloudy.com/literatureDetail/ODQ0OTM0MA==; the
    /// linear-response relation R_ct = RT/(F i₀) of Butler–Volmer). This is a clean-interface value: interfaces with a grown
    /// SEI or poor contact show tens to hundreds of Ω cm² (i₀ of 0.1–1 mA cm⁻²; session 2 assumed 1 mA cm⁻²), which
    /// <c>--i0-ma-cm2</c> covers.
    /// </summary>
    public double ExchangeCurrentDensityAPerM2 { get; init; } = GasConstantJPerMolK * 300 / FaradayCPerMol / (PolarizationResistanceOhmCm2 * 1e-4);

    /// <summary>Total polarization resistance of the Li|Li₆PS₅Cl interface behind the default i₀, Ω cm² (see <see cref="ExchangeCurrentDensityAPerM2"/>).</summary>
    public const double PolarizationResistanceOhmCm2 = 0.8;
    /// <summary>Ratio of pore to SE ionic conductivity (and Li⁺ diffusivity): air-filled pores. Default 10⁻² (numerical compromise; see docs/phasefield.md).</summary>
    public double PoreTransportRatio { get; init; } = 1e-2;
    /// <summary>Ratio of Li-metal to SE ionic conductivity/diffusivity (Li metal carries no Li⁺ current). Default 10⁻² (numerical compromise; see docs/phasefield.md).</summary>
    public double LiIonicRatio { get; init; } = 1e-2;

    // ---- phase-field numerics ----
    /// <summary>
    /// Interface width 4ℓ in grid cells (ℓ = √(2κ/W) of ξ = ½[1 − tanh(d/ℓ)]). Must be ≥ 3. The Allen–Cahn kinetics is
    /// rescaled with ℓ (L_η = i₀V_m/(2.5ℓF)) so the sharp-interface plating velocity does not depend on it.
    /// </summary>
    public double InterfaceCells { get; init; } = 8;
    /// <summary>Profile relaxation rate Γ = L_ξ·W, s⁻¹ (numerical: keeps the tanh profile; sub-cycled explicitly at its own stability limit).</summary>
    public double ProfileRelaxationPerS { get; init; } = 1.0;
    /// <summary>
    /// Largest time step, s (the reaction/ionic-potential step; profile relaxation and Li⁺ transport are sub-cycled inside it).
    /// Default 1 s: halving it changes the plated Li and the dendrite length by &lt; 1 % (see docs/phasefield.md).
    /// </summary>
    public double MaxDtS { get; init; } = 1.0;
    /// <summary>Largest change of ξ per step (adaptive Δt).</summary>
    public double MaxXiChangePerStep { get; init; } = 0.1;

    // ---- mechanics ----
    /// <summary>Young's modulus of Li, GPa. Paper: 7.82 GPa.</summary>
    public double LiYoungGPa { get; init; } = 7.82;
    /// <summary>Poisson ratio of Li. 0.42 (Masias, Felten, Garcia-Mendez, Wolfenstine, Sakamoto, J. Mater. Sci. 54 (2019) 2585).</summary>
    public double LiPoisson { get; init; } = 0.42;
    /// <summary>Young's modulus of Li₆PS₅Cl, GPa. 22.1 GPa (Deng et al., J. Electrochem. Soc. 163 (2016) A67).</summary>
    public double SeYoungGPa { get; init; } = 22.1;
    /// <summary>Poisson ratio of Li₆PS₅Cl. 0.27 (Deng et al. 2016).</summary>
    public double SePoisson { get; init; } = 0.27;
    /// <summary>
    /// Form of the eigenstrain of plated Li. <see cref="DepositionStrainForm.InterfaceNormal"/> (default): a uniaxial growth
    /// strain ε* = ε_g Δh(ξ) n⊗n along the normal n of the deposit (Li grows by adding atoms at its surface, so the deposit
    /// lengthens along n and not sideways; the structure tensor of ∇[h(ξ) − h(ξ₀)] gives n⊗n per mechanics element), zero
    /// where Li fills a pore (the pore volume is free). <see cref="DepositionStrainForm.Isotropic"/>: the Vegard-type
    /// ε* = (ε_v/3) Δh(ξ) I of session 1 (an intercalation form; kept for comparison).
    /// </summary>
    public DepositionStrainForm DepositionStrainForm { get; init; } = DepositionStrainForm.InterfaceNormal;
    /// <summary>
    /// Magnitude of the deposition eigenstrain (dimensionless). Interface-normal form: the growth strain ε_g, default 1 —
    /// DERIVED, not fitted: on the fixed phase-field grid plated Li replaces SE in the cells it converts, and ε_g = 1 is the
    /// unique value that displaces the SE ahead of a flat deposit by exactly the plated thickness (the SE keeps its volume;
    /// the displacement jump across a converted layer of thickness d is ε_g·d). A flat layer is then stress-free apart from
    /// the applied pressure; stress arises only where plating is non-uniform (protrusions, pores). Isotropic form: the
    /// volumetric strain ε_v (session 1 assumed 0.1 without a source: ≈ 450 MPa of growth stress in a confined layer).
    /// </summary>
    public double DepositionEigenstrain { get; init; } = 1.0;
    /// <summary>
    /// Li is elastic–perfectly-plastic (J2, yield <see cref="LiYieldMPa"/>) instead of elastic (<c>--li-plasticity</c>). Off by
    /// default (the paper keeps both phases elastic). The plastic strain is a history variable of the Li in each mechanics
    /// element; the elastic solve sees eigenstrain = growth + plastic (see <see cref="PlaneStrainElasticity"/>).
    /// Rate-independent rather than creep: over the strain rates of the runs (10⁻⁴–10⁻² s⁻¹) the Narayan &amp; Anand (2018)
    /// flow rule for Li, ε̇ = A e^(−Q/RT) (σ/S)^(1/m) with A = 4.25×10⁴ s⁻¹, Q = 37 kJ mol⁻¹, m = 0.15, S₀ = 0.95 MPa (the
    /// constants of <c>CellMaterials.NarayanAnand</c>), gives a flow stress of 0.44–0.89 MPa at 300 K, within a factor two of
    /// the 0.8 MPa yield, so a rate-independent cap at the cited yield carries the same physics with an unconditionally
    /// stable return map.
    /// </summary>
    public bool LiPlasticity { get; init; }
    /// <summary>Yield stress of Li, MPa: 0.8 (Masias, Felten, Garcia-Mendez, Wolfenstine, Sakamoto, J. Mater. Sci. 54 (2019) 2585; the paper's ref. 9).</summary>
    public double LiYieldMPa { get; init; } = 0.8;
    /// <summary>Li plasticity: largest number of return-map (initial-strain) iterations per mechanics solve (numerical). Default 30.</summary>
    public int PlasticityMaxIterations { get; init; } = 30;
    /// <summary>Li plasticity: the iterations stop when no Li stress changes by more than this between iterations, MPa (numerical). Default 0.04 (5 % of σ_y).</summary>
    public double PlasticityToleranceMPa { get; init; } = 0.04;
    /// <summary>Mechanics element size aimed at, µm (the phase-field grid coarsened by an integer factor). Default 4 (numerical).</summary>
    public double MechanicsElementUm { get; init; } = 4;
    /// <summary>Solve mechanics every this many seconds of simulated time (quasi-static). Default 5.</summary>
    public double MechanicsIntervalS { get; init; } = 5;

    public const double FaradayCPerMol = 96485.33212;     // CODATA 2018 (exact)
    public const double GasConstantJPerMolK = 8.314462618; // CODATA 2018 (exact)

    /// <summary>F/RT, V⁻¹.</summary>
    public double FOverRT => FaradayCPerMol / (GasConstantJPerMolK * TemperatureK);
    /// <summary>ℓ, µm.</summary>
    public double InterfaceLengthUm => InterfaceCells * DxUm / 4;
    /// <summary>Li⁺ diffusivity of the SE from Nernst–Einstein, D = σRT/(F²c), µm² s⁻¹ (≈ 5 µm² s⁻¹).</summary>
    public double SeDiffusivityUm2PerS => SeIonicConductivitySPerM * GasConstantJPerMolK * TemperatureK
        / (FaradayCPerMol * FaradayCPerMol * SeLiConcentrationMolPerM3) * 1e12;
    /// <summary>
    /// Reaction-rate coefficient L_η = i₀ V_m/(2.5ℓF), s⁻¹, so that a flat interface moves at the Butler–Volmer/Faraday
    /// velocity v = i V_m/F: across the profile ξ = ½[1 − tanh(d/ℓ)] (|dξ/dd| = 2ξ(1−ξ)/ℓ) the reaction term integrates to
    /// L_η·B·∫h′(ξ) dd = L_η·B·15ℓ∫₀¹ξ(1−ξ)dξ = 2.5ℓ·L_η·B. (Session 1 used 3ℓ, which made the interface current 0.83 of
    /// Butler–Volmer at the local overpotential; corrected in session 2.)
    /// </summary>
    public double ReactionRatePerS => ExchangeCurrentDensityAPerM2 * LiMolarVolumeM3PerMol / (2.5 * InterfaceLengthUm * 1e-6 * FaradayCPerMol);

    /// <summary>Rejects impossible parameters with one clear message (before a run starts).</summary>
    public void Validate()
    {
        InputException.Require(DxUm > 0 && double.IsFinite(DxUm), "--dx-um", $"must be positive, got {DxUm}");
        InputException.Require(DomainWidthUm / DxUm >= 16 && DomainHeightUm / DxUm >= 8, "--dx-um", $"{DxUm} µm leaves fewer than 16 × 8 cells");
        InputException.Require((DomainWidthUm / DxUm) * (DomainHeightUm / DxUm) <= 4.2e6, "--dx-um", $"{DxUm} µm gives more than 4.2 M cells; use ≥ 0.35 µm");
        InputException.Require(LiThicknessUm > 0 && LiThicknessUm < DomainWidthUm, "li_thickness_um", "must lie inside the domain");
        InputException.Require(Porosity >= 0 && Porosity < 0.6, "--porosity", $"must be in [0, 0.6), got {Porosity}");
        InputException.Require(MeanPoreDiameterUm >= 2 * DxUm || Porosity == 0, "--dx-um",
            $"grid too coarse for {MeanPoreDiameterUm} µm pores: needs ≤ {MeanPoreDiameterUm / 2} µm");
        InputException.Require(InterfaceCells >= 3, "interface_cells", $"the interface must span ≥ 3 cells, got {InterfaceCells}");
        InputException.Require(ProtrusionRadiusUm >= InterfaceLengthUm * 2, "--dx-um",
            $"grid too coarse for the {ProtrusionRadiusUm} µm protrusions: the interface (4ℓ = {InterfaceCells * DxUm} µm) needs --dx-um ≤ {ProtrusionRadiusUm * 2 / InterfaceCells}");
        InputException.Require(TimeS > 0 && double.IsFinite(TimeS), "--time-s", $"must be positive, got {TimeS}");
        InputException.Require(PressureMPa >= 0 && PressureMPa <= 1000, "--pressure-mpa", $"must be in [0, 1000] MPa, got {PressureMPa}");
        InputException.Require(Alpha > 0 && Alpha < 1, "alpha", $"must be in (0, 1), got {Alpha}");
        InputException.Require(ExchangeCurrentDensityAPerM2 > 0, "--i0-ma-cm2", $"exchange current density must be positive, got {ExchangeCurrentDensityAPerM2 / 10} mA cm⁻²");
        InputException.Require(ProfileRelaxationPerS > 0, "profile_relaxation_per_s", "mobility must be positive");
        InputException.Require(SeIonicConductivitySPerM > 0 && LiConductivitySPerM > 0 && SeElectronicConductivitySPerM > 0, "conductivity", "must be positive");
        InputException.Require(MaxDtS >= 1e-4 && MaxDtS <= MechanicsIntervalS, "max_dt_s",
            $"Δt = {MaxDtS} s cannot be met: it must lie in [1e-4 s, the mechanics interval {MechanicsIntervalS} s]");
        InputException.Require(MechanicsIntervalS > 0 && double.IsFinite(MechanicsIntervalS), "mechanics_interval_s", $"must be positive, got {MechanicsIntervalS}");
        InputException.Require(DepositionEigenstrain >= 0 && DepositionEigenstrain <= 2, "--eigenstrain", $"must be in [0, 2], got {DepositionEigenstrain}");
        InputException.Require(MechanicsElementUm > 0 && double.IsFinite(MechanicsElementUm), "mechanics_element_um", $"must be positive, got {MechanicsElementUm}");
        InputException.Require(LiYieldMPa > 0 && double.IsFinite(LiYieldMPa), "--li-yield-mpa", $"must be positive, got {LiYieldMPa}");
        InputException.Require(PlasticityMaxIterations >= 1 && PlasticityToleranceMPa > 0, "plasticity_iterations", $"need ≥ 1 iteration and a positive tolerance, got {PlasticityMaxIterations} and {PlasticityToleranceMPa}");
        InputException.Require(LiYoungGPa > 0 && SeYoungGPa > 0 && LiPoisson is > -1 and < 0.5 && SePoisson is > -1 and < 0.5, "elastic constants", "E > 0 and −1 < ν < 0.5 required");
    }
}

/// <summary>Tensor form of the eigenstrain of plated Li (see <see cref="DendriteParameters.DepositionStrainForm"/>).</summary>
public enum DepositionStrainForm
{
    /// <summary>Uniaxial growth strain along the deposit normal, ε_g Δh n⊗n (zero in pores).</summary>
    InterfaceNormal,
    /// <summary>Isotropic (Vegard-type) strain (ε_v/3) Δh I.</summary>
    Isotropic,
}
