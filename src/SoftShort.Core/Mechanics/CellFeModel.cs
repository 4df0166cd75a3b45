using System.Text.Json;
using System.Text.Json.Serialization;
using SoftShort.Electrochemistry;
using SoftShort.Imaging;
using SoftShort.Synthetic;

namespace SoftShort.Mechanics;

/// <summary>
/// Parameters of the cell simulation (JSON: snake_case keys, every key optional; defaults are the paper's cell).
/// Lengths in mm unless the name says otherwise.
/// </summary>
public sealed record CellFeConfig
{
    /// <summary>Bulk element size (SE, cathode, rods near the stack), mm; the mesh is graded finer towards the bore wall and through the Li foil
    /// (see <see cref="CornerRefinement"/>, <see cref="LiLayerElements"/>). Default 0.2: its final pressure is within ≈ 1 % of the 0.1 mm mesh.</summary>
    public double ElementSizeMm { get; init; } = 0.2;
    /// <summary>Element size at the bore wall (radially, content and tube) as a fraction of <see cref="ElementSizeMm"/>; the Li foil gets
    /// elements of twice that height. Default 0.25 (graded refinement towards the Li|gap corner).</summary>
    public double CornerRefinement { get; init; } = 0.25;
    /// <summary>
    /// Elements through the Li foil; 0 (default) = ⌈10 · foil thickness / element_size_mm⌉ (13 at 0.2 mm, 25 at 0.1 mm). The internal
    /// pressure at the end of the charge is set by how easily Li is squeezed out of the foil, and that flow has a thin shear
    /// layer at the face bonded to the anode rod (power-law creep, n = 6.56): with 3 uniform elements through the foil the final
    /// pressure is ≈ 12 % too high, which was the main mesh dependence of the first version (docs/fe.md, "Mesh convergence").
    /// </summary>
    public int LiLayerElements { get; init; }
    /// <summary>Thickness of the Li element at the SE face over that at the rod face (geometric grading towards the bonded face). Default 20.</summary>
    public double LiGrading { get; init; } = 20;
    /// <summary>
    /// Incremental updated-Lagrangian kinematics (<see cref="AxiSolid.LargeDeformation"/>) from the stacking step on (when Li, the
    /// material that flows far, is in the cell): geometry follows the deformation, strain increments on the mid-increment
    /// configuration, objective (Hughes–Winget) stress rotation. Densification stays small-strain. false = small strain throughout.
    /// Contact stays node-to-node (small sliding).
    /// </summary>
    public bool LargeDeformation { get; init; }
    /// <summary>Large deformation only: edge (fillet) radius of the anode rod, µm, round which Li wraps into the rod–tube gap (ASSUMPTION 10 µm:
    /// the plungers' edge finish is not given; the Li's outer bottom node slides round it, see <see cref="CornerContact"/>).</summary>
    public double RodEdgeRadiusUm { get; init; } = 10;
    /// <summary>Large deformation only: width of the outer rim of the Li foil, mm, that slides (frictionless node-to-surface contact on the rod's
    /// top face, rounded edge and side) instead of being bonded to the anode rod, so that Li can wrap round the rod's edge; 0 (default) = the
    /// whole foil bonded, any positive width detaches at least the Li node at the rod's edge.</summary>
    public double LiRimSlidingMm { get; init; }
    /// <summary>Large deformation only: ALE rezoning of the Li sub-mesh when its worst scaled Jacobian falls below this (<see cref="AxiSolid.Rezone"/>);
    /// 0 (default) = off. Neither option lets the UL cell finish yet; bonded without rezoning gets furthest (docs/fe.md, fourth session).</summary>
    public double LiRezoneQuality { get; init; }
    /// <summary>Large deformation only (bonded foil, <see cref="LiRimSlidingMm"/> = 0): topology-changing remeshing of the Li when its worst scaled
    /// Jacobian falls below this after a converged increment — a new two-block mesh of the current Li outline (block A over the rod face, block B
    /// beyond the rod radius, down to the lowest point of the Li in the rod–tube gap) with node-to-surface contact on the SE face, the tube wall and
    /// the rod edge (<see cref="AxiSolid.RemeshRegion"/>, docs/fe.md fifth session); 0 (default) = off.</summary>
    public double LiRemeshQuality { get; init; }
    /// <summary>With <see cref="LiRemeshQuality"/>: contact of the remeshed Li boundary below the rod's rounded edge (the tongue in the rod–tube gap).
    /// "surface": node-to-surface on the rod's side nodes, so the reactions are shared by the side nodes the Li touches (sixth session);
    /// "corner" (default): node-to-corner on the rounded edge for every node, the whole reaction on the rod's corner node (fifth session; at the
    /// charge start both give the same convergence, docs/fe.md sixth session).</summary>
    public string LiRodSideContact { get; init; } = "corner";
    /// <summary>With <see cref="LiRemeshQuality"/>: the charge increment grows by 1.5 after an increment that converged in at most this many Newton
    /// iterations (default 15; the sixth session's 10 kept Δτ near 10⁻³ because about half the charge increments need 11–18, docs/fe.md seventh session).</summary>
    public int ChargeGrowthIterations { get; init; } = 15;
    /// <summary>With <see cref="LiRemeshQuality"/>: the charge increment is halved after an increment that needed more than this many Newton iterations
    /// (default 20, below <see cref="MaxNewtonIterations"/> = 25 at which it would be cut back to a quarter and redone).</summary>
    public int ChargeShrinkIterations { get; init; } = 20;
    /// <summary>Length of each SS rod modelled, mm (graded mesh away from the stack). Default 2.</summary>
    public double RodLengthMm { get; init; } = 2.0;
    /// <summary>Li foil thickness, µm (paper: ≈ 250).</summary>
    public double LiThicknessUm { get; init; } = 250;
    /// <summary>SE densification pressure, MPa (paper: 300 for 10 min).</summary>
    public double DensificationPressureMPa { get; init; } = 300;
    public double DensificationTimeS { get; init; } = 600;
    /// <summary>Stacking pressure, MPa (paper: 10), then the frame is fixed.</summary>
    public double StackPressureMPa { get; init; } = 10;
    /// <summary>Time over which the stack pressure is applied, s (ASSUMPTION: 60 s).</summary>
    public double StackTimeS { get; init; } = 60;
    /// <summary>Charge C-rate (paper: C/20 = 0.05) and duration, h (paper: 20).</summary>
    public double CRate { get; init; } = 0.05;
    public double ChargeHours { get; init; } = 20;
    /// <summary>Load increments of the charge step. Default 20 (the final pressure changes by &lt; 0.1 % from 20 to 40 or 80 increments: the
    /// backward-Euler creep update is not the limiting error, see docs/fe.md).</summary>
    public int ChargeIncrements { get; init; } = 20;
    /// <summary>Tube material: "ptfe" (paper) or "peek" (exercise).</summary>
    public string TubeMaterial { get; init; } = "ptfe";
    public double PtfeYieldMPa { get; init; } = 10;
    public double PtfeHardeningMPa { get; init; } = 40;
    /// <summary>
    /// SE constitutive model in the densification step: "compaction" — loose powder at <see cref="SeTapRelativeDensity"/> meshed
    /// at its loose thickness and pressed with the pressure-dependent cap model <see cref="CompactionPlasticMaterial"/> (calibrated to
    /// 83.75 % at 300 MPa, elastic once dense); "j2" (default) — the earlier stand-in: the pellet meshed at its pressed thickness as a dense
    /// J2 solid with yield <see cref="SeYieldMPa"/>. The default stays "j2" because, with the free PTFE tube, the compaction model converges
    /// only linearly (≈ 10–15 Newton iterations per increment, 100+ increments) and a lateral ratio typical of powders loads the tube far
    /// beyond what it can carry (docs/fe.md, "SE powder compaction").
    /// </summary>
    public string SeModel { get; init; } = "j2";
    /// <summary>Compaction model: rigid-plastic lateral/axial stress ratio K₀ of die compaction (ASSUMPTION 0.4, see <see cref="CellMaterials.SolidElectrolytePowder"/>).</summary>
    public double SeLateralRatio { get; init; } = 0.4;
    /// <summary>Compaction model: loose (tap) relative density of the powder (ASSUMPTION 0.40, <see cref="SePowder.TapRelativeDensity"/>).</summary>
    public double SeTapRelativeDensity { get; init; } = SePowder.TapRelativeDensity;
    /// <summary>"j2" model only: yield stress of the SE compact, MPa (sets the lateral pressure 300 − σ_y on the tube).</summary>
    public double SeYieldMPa { get; init; } = 290;
    public double LiYieldMPa { get; init; } = 0.8;
    /// <summary>Li linear hardening, MPa per unit plastic strain (assumption, see <see cref="CellMaterials.Lithium"/>).</summary>
    public double LiHardeningMPa { get; init; } = 5;
    /// <summary>
    /// Li creep law: "narayan-anand" (default) — the cited flow rule of Narayan &amp; Anand 2018 (A = 4.25×10⁴ s⁻¹, Q = 37 kJ mol⁻¹,
    /// n = 1/m = 6.67) with the fixed flow resistance <see cref="LiFlowResistanceMPa"/> (<see cref="CellMaterials.LithiumNarayanAnand"/>);
    /// "calibrated" — the earlier assumption n = 6.56 with the rate <see cref="LiCreepRateAtYieldPerS"/> at the yield stress (<see cref="CellMaterials.Lithium"/>).
    /// </summary>
    public string LiCreepModel { get; init; } = "narayan-anand";
    /// <summary>"narayan-anand" only: flow resistance S, MPa (default S₀ = 0.95; 1.24 is the saturation value at 10⁻⁶ s⁻¹).</summary>
    public double LiFlowResistanceMPa { get; init; } = CellMaterials.NarayanAnand.InitialFlowResistanceMPa;
    /// <summary>"calibrated" only: Li creep rate at its yield stress, s⁻¹ (calibration of the Norton prefactor, see <see cref="CellMaterials.Lithium"/>).</summary>
    public double LiCreepRateAtYieldPerS { get; init; } = 5e-4;
    public double TemperatureK { get; init; } = 298.15;
    /// <summary>
    /// Coulomb friction coefficient on the tube-wall contact (content | tube); 0 (default) = frictionless. PTFE on steel at slow sliding:
    /// <see cref="CellMaterials.PtfeOnSteelFriction"/> = 0.04 (Shooter &amp; Thomas 1949), ≈ 0.1 from −45 to 100 °C (King &amp; Tabor 1953).
    /// The default stays 0: with μ = 0.04 / 0.1 the bulge changes by −1.7 / −4.1 %, the gap by −1.3 / −3.1 % and the final pressure by
    /// −0.09 / −0.40 % (0.2 mm mesh, docs/fe.md "Friction"), less than what the unknown SE-on-PTFE and Li-on-PTFE friction and the SE
    /// lateral ratio leave open, at 1.8–4× the CPU time; the paper's main text states no friction law.
    /// </summary>
    public double FrictionCoefficient { get; init; }
    /// <summary>Newton convergence: residual norm over the norm of the internal + external forces. Default 1e-7.</summary>
    public double NewtonTolerance { get; init; } = 1e-7;
    /// <summary>Contact penalty stiffness, MPa mm⁻¹.</summary>
    public double ContactPenaltyMPaPerMm { get; init; } = 1e5;
    /// <summary>Newton iterations per increment before the increment is cut back (default 25).</summary>
    public int MaxNewtonIterations { get; init; } = 25;
    /// <summary>Budget of converged increments over the whole history; 0 (default) = no limit. When it is reached the run stops like a
    /// non-converged one: the last converged state is written and the command exits 1.</summary>
    public int MaxIncrements { get; init; }
    /// <summary>Elastic constants overriding a material's default (null = the sourced default of <see cref="CellMaterials"/>): Young's
    /// modulus, MPa, and Poisson ratio (ν &lt; 0.5: every material is a compressible solid; B̄ elements handle ν up to 0.4999).</summary>
    public double? TubeEMPa { get; init; }
    public double? TubeNu { get; init; }
    public double? LiEMPa { get; init; }
    public double? LiNu { get; init; }
    public double? SeEMPa { get; init; }
    public double? SeNu { get; init; }
    public double? CathodeEMPa { get; init; }
    public double? CathodeNu { get; init; }
    public double? SsEMPa { get; init; }
    public double? SsNu { get; init; }

    /// <summary>JSON key of a property: snake_case with unit suffixes kept whole (StackPressureMPa → stack_pressure_mpa).</summary>
    public static string KeyOf(string propertyName) => JsonNamingPolicy.SnakeCaseLower.ConvertName(propertyName.Replace("MPa", "Mpa", StringComparison.Ordinal));

    sealed class KeyPolicy : JsonNamingPolicy { public override string ConvertName(string name) => KeyOf(name); }

    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = new KeyPolicy(), UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, WriteIndented = true };

    public static CellFeConfig Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new InputException(path, $"cannot read: {ex.Message}"); }
        CellFeConfig? c;
        try { c = JsonSerializer.Deserialize<CellFeConfig>(text, Json); }
        catch (JsonException ex)
        {
            // name the key: "$.li_nu" → li_nu; the runtime's message names .NET types, so say it in the config's terms
            string key = ex.Path is { Length: > 2 } jp && jp.StartsWith("$.", StringComparison.Ordinal) ? jp[2..] : "";
            bool unknown = ex.Message.Contains("could not be mapped", StringComparison.Ordinal);
            string problem = unknown ? $"unknown key '{UnknownKey(ex.Message) ?? key}' (keys are the snake_case names in docs/fe.md)"
                : key.Length > 0 ? $"{key}: wrong type or malformed value (line {ex.LineNumber + 1})" : $"not a valid cell config (line {ex.LineNumber + 1}): {ex.Message.Split(" Path:")[0]}";
            throw new InputException(path, problem);
        }
        if (c == null) throw new InputException(path, "empty config");
        c.Validate(path);
        return c;
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    static string? UnknownKey(string message)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message, "property '([^']*)'");
        return m.Success ? m.Groups[1].Value : null;
    }

    public void Validate(string source = "config")
    {
        void Pos(double v, string name) => InputException.Require(double.IsFinite(v) && v > 0, $"{source}: {name}", $"must be positive, got {v}");
        Pos(ElementSizeMm, "element_size_mm"); Pos(RodLengthMm, "rod_length_mm"); Pos(LiThicknessUm, "li_thickness_um");
        Pos(DensificationPressureMPa, "densification_pressure_mpa"); Pos(DensificationTimeS, "densification_time_s");
        Pos(StackPressureMPa, "stack_pressure_mpa"); Pos(StackTimeS, "stack_time_s"); Pos(CRate, "c_rate"); Pos(ChargeHours, "charge_hours");
        Pos(PtfeYieldMPa, "ptfe_yield_mpa"); Pos(SeYieldMPa, "se_yield_mpa"); Pos(LiYieldMPa, "li_yield_mpa"); InputException.Require(LiHardeningMPa >= 0, $"{source}: li_hardening_mpa", $"must be ≥ 0, got {LiHardeningMPa}"); Pos(TemperatureK, "temperature_k");
        Pos(LiCreepRateAtYieldPerS, "li_creep_rate_at_yield_per_s"); Pos(ContactPenaltyMPaPerMm, "contact_penalty_mpa_per_mm");
        InputException.Require(ElementSizeMm <= 0.5 && ElementSizeMm >= 0.01, $"{source}: element_size_mm", $"must be in [0.01, 0.5] mm, got {ElementSizeMm}");
        InputException.Require(double.IsFinite(FrictionCoefficient) && FrictionCoefficient is >= 0 and <= 2, $"{source}: friction_coefficient", $"must be in [0, 2], got {FrictionCoefficient}");
        InputException.Require(double.IsFinite(NewtonTolerance) && NewtonTolerance is >= 1e-12 and <= 1e-3, $"{source}: newton_tolerance", $"must be in [1e-12, 1e-3], got {NewtonTolerance}");
        InputException.Require(CornerRefinement is > 0 and <= 1, $"{source}: corner_refinement", $"must be in (0, 1], got {CornerRefinement}");
        InputException.Require(double.IsFinite(LiGrading) && LiGrading is >= 0.01 and <= 1000, $"{source}: li_grading", $"must be in [0.01, 1000], got {LiGrading}");
        InputException.Require(LiLayerElements is >= 0 and <= 200, $"{source}: li_layer_elements", $"must be in [0, 200] (0 = automatic), got {LiLayerElements}");
        InputException.Require(ChargeIncrements is >= 2 and <= 10000, $"{source}: charge_increments", $"must be in [2, 10000], got {ChargeIncrements}");
        InputException.Require(TubeMaterial is "ptfe" or "peek", $"{source}: tube_material", $"must be \"ptfe\" or \"peek\", got \"{TubeMaterial}\"");
        InputException.Require(LiCreepModel is "narayan-anand" or "calibrated", $"{source}: li_creep_model", $"must be \"narayan-anand\" or \"calibrated\", got \"{LiCreepModel}\"");
        Pos(LiFlowResistanceMPa, "li_flow_resistance_mpa"); Pos(RodEdgeRadiusUm, "rod_edge_radius_um");
        InputException.Require(double.IsFinite(LiRimSlidingMm) && LiRimSlidingMm >= 0, $"{source}: li_rim_sliding_mm", $"must be ≥ 0, got {LiRimSlidingMm}");
        InputException.Require(double.IsFinite(LiRezoneQuality) && LiRezoneQuality is >= 0 and < 1, $"{source}: li_rezone_quality", $"must be in [0, 1) (0 = off), got {LiRezoneQuality}");
        InputException.Require(double.IsFinite(LiRemeshQuality) && LiRemeshQuality is >= 0 and < 1, $"{source}: li_remesh_quality", $"must be in [0, 1) (0 = off), got {LiRemeshQuality}");
        InputException.Require(LiRodSideContact is "surface" or "corner", $"{source}: li_rod_side_contact", $"must be \"surface\" or \"corner\", got \"{LiRodSideContact}\"");
        InputException.Require(LiRemeshQuality == 0 || (LiRimSlidingMm == 0 && LiRezoneQuality == 0), $"{source}: li_remesh_quality",
            "remeshing is implemented for the bonded foil without rezoning: set li_rim_sliding_mm and li_rezone_quality to 0");
        InputException.Require(SeModel is "compaction" or "j2", $"{source}: se_model", $"must be \"compaction\" or \"j2\", got \"{SeModel}\"");
        InputException.Require(double.IsFinite(SeLateralRatio) && SeLateralRatio is > 0.01 and < 0.99, $"{source}: se_lateral_ratio", $"must be in (0.01, 0.99), got {SeLateralRatio}");
        InputException.Require(double.IsFinite(SeTapRelativeDensity) && SeTapRelativeDensity is >= 0.1 and < SePowder.PressedRelativeDensity, $"{source}: se_tap_relative_density", $"must be in [0.1, {SePowder.PressedRelativeDensity}), got {SeTapRelativeDensity}");
        InputException.Require(MaxNewtonIterations is >= 1 and <= 1000, $"{source}: max_newton_iterations", $"must be in [1, 1000], got {MaxNewtonIterations}");
        InputException.Require(ChargeGrowthIterations is >= 1 and <= 1000, $"{source}: charge_growth_iterations", $"must be in [1, 1000], got {ChargeGrowthIterations}");
        InputException.Require(ChargeShrinkIterations >= ChargeGrowthIterations && ChargeShrinkIterations <= 1000, $"{source}: charge_shrink_iterations",
            $"must be in [charge_growth_iterations = {ChargeGrowthIterations}, 1000], got {ChargeShrinkIterations}");
        InputException.Require(MaxIncrements >= 0, $"{source}: max_increments", $"must be ≥ 0 (0 = no limit), got {MaxIncrements}");
        foreach (var (e, nu, who) in new[] { (TubeEMPa, TubeNu, "tube"), (LiEMPa, LiNu, "li"), (SeEMPa, SeNu, "se"), (CathodeEMPa, CathodeNu, "cathode"), (SsEMPa, SsNu, "ss") })
        {
            if (e is double ev) InputException.Require(double.IsFinite(ev) && ev > 0, $"{source}: {who}_e_mpa", $"Young's modulus must be positive, got {ev}");
            if (nu is double nv) InputException.Require(double.IsFinite(nv) && nv > -1 && nv < 0.5, $"{source}: {who}_nu",
                $"Poisson ratio must be in (-1, 0.5) for a compressible solid (B̄ elements take up to 0.4999), got {nv}");
        }
        InputException.Require(SeModel != "j2" || SeYieldMPa < DensificationPressureMPa, $"{source}: se_yield_mpa", $"must be below the densification pressure ({DensificationPressureMPa} MPa), got {SeYieldMPa}");
    }
}

/// <summary>Field snapshot at the end of a step: per-element means, the nodal displacement and which elements are in the cell (null = all).</summary>
public sealed record StepSnapshot(string Step, double[] VonMisesMPa, double[] PressureMPa, double[] Eqps, double[] U, bool[]? Active = null);

/// <summary>Results of the three-step cell simulation.</summary>
public sealed class CellFeResult
{
    /// <summary>The mesh of the last snapshot (after a Li remesh the earlier snapshots are re-indexed onto it, see <see cref="LiRemeshings"/>).</summary>
    public required AxiMesh Mesh { get; set; }
    public required int[] RegionOfElement { get; set; }
    /// <summary>Topology-changing Li remeshings (<see cref="CellFeConfig.LiRemeshQuality"/>) and the largest |ΔV/V| of the Li at one of them. Snapshots
    /// taken before a remesh show the new Li elements as not in the cell and the new Li nodes with zero displacement.</summary>
    public int LiRemeshings { get; set; }
    public double LiRemeshMaxVolumeChange { get; set; }
    public List<StepSnapshot> Snapshots { get; } = [];
    public List<(double TimeH, double PressureMPa, double LiInGapMm3, double PlatedUm)> ChargeHistory { get; } = [];
    public double BulgeUm { get; set; }
    public double GapUm { get; set; }
    public double GapLengthUm { get; set; }
    public double LiInGapAfterStackMm3 { get; set; }
    public double LiInGapAfterChargeMm3 { get; set; }
    public double PlatedLiVolumeMm3 { get; set; }
    public double PlatedLiUm { get; set; }
    public double FinalPressureMPa { get; set; }
    public double PressureAfterStackMPa { get; set; }
    public double MaxLiEqps { get; set; }
    /// <summary>SE layer thickness, µm: as meshed (loose powder for the compaction model), at the densification pressure, after release,
    /// and the pressed thickness that mass conservation gives at 83.75 % relative density (<see cref="CellGeometry.SeThicknessUm"/>).</summary>
    public double SeMeshThicknessUm { get; set; }
    public double SeThicknessAtPressUm { get; set; }
    public double SeThicknessAfterReleaseUm { get; set; }
    public double SeExpectedThicknessUm { get; set; }
    /// <summary>Volume-mean relative density of the SE after release (compaction model; NaN for the J2 stand-in).</summary>
    public double SeRelativeDensity { get; set; } = double.NaN;
    /// <summary>Mass check after release (compaction model): Σ D (1 + tr ε) V₀ / (D₀ Σ V₀), 1 when the density field and the deformed
    /// volume conserve the powder's mass (the elastic part of tr ε is the only difference).</summary>
    public double SeMassRatio { get; set; } = double.NaN;
    /// <summary>Mean radial displacement of the SE's nodes at the bore wall after release, µm (the SE widens into the bulged tube, so its
    /// thickness at a given density is below the rigid-die value).</summary>
    public double SeWallRadialUm { get; set; }
    /// <summary>Radial contact pressure of the SE on the tube wall at the densification pressure, MPa: mean over the SE's wall contact
    /// (force / area) and the largest nodal value.</summary>
    public double SeLateralPressureMPa { get; set; }
    public double SeLateralPressureMaxMPa { get; set; }
    /// <summary>Li foil outline at the tube wall (z mm, u_r µm) after stacking and after charge.</summary>
    public List<(double ZMm, double UrStackUm, double UrChargeUm)> LiWallProfile { get; } = [];
    /// <summary>Large deformation: the Li region's outline in the deformed configuration (r, z mm, counter-clockwise from the anode rod's corner)
    /// after stacking and after charge (Fig. 6G); empty in small strain. After a Li remesh <see cref="LiWallProfile"/> is taken from these
    /// (<see cref="CellFeModel.WallProfileFromOutlines"/>).</summary>
    public List<(double RMm, double ZMm)> LiOutlineAfterStack { get; } = [];
    /// <summary>The same outline after charge (empty in small strain).</summary>
    public List<(double RMm, double ZMm)> LiOutlineAfterCharge { get; } = [];
    /// <summary>Li foil thickness vs r (r mm, thickness µm) before charge (after stacking) and after charge.</summary>
    public List<(double RMm, double ThicknessStackUm, double ThicknessChargeUm)> LiThicknessProfile { get; } = [];
    public int Dofs { get; set; }
    public required SolveStats Stats { get; init; }
    public double WallSeconds { get; set; }
    /// <summary>"completed", or "stopped" (no convergence after cut-back, an inverted element, a singular tangent or the increment budget):
    /// then the fields hold the last converged state (<see cref="CellFeStoppedException"/>).</summary>
    public string Status { get; set; } = "completed";
    public string? StoppedReason { get; set; }
    /// <summary>Step in which the run stopped, its last converged load factor τ ∈ [0, 1] and the solver time there, s.</summary>
    public string? StoppedStep { get; set; }
    public double StoppedTau { get; set; } = double.NaN;
    public double StoppedTimeS { get; set; } = double.NaN;
    /// <summary>Element that inverted (−1: none) and its region name.</summary>
    public int InvertedElement { get; set; } = -1;
    /// <summary>Steps finished: 0–4 (densification, release, stacking, charge).</summary>
    public int CompletedSteps { get; set; }
    /// <summary>Process CPU time (all threads) spent in the run, s: less sensitive than wall time to other load on a shared machine.</summary>
    public double CpuSeconds { get; set; }

    /// <summary>
    /// The outline a radiograph sees, in the deformed configuration of snapshot <paramref name="snapshot"/>: for every node row at the
    /// bore wall, its reference height z (mm), the radius of the bore content (rods, Li, SE, cathode: r_b + u_r of the content's wall
    /// node) and of the tube's inner surface (r_b + u_r of its wall node), mm. The gap is their difference where positive.
    /// </summary>
    public List<(double ZMm, double CoreRadiusMm, double BoreRadiusMm)> WallOutline(int snapshot)
    {
        var m = Mesh; var u = Snapshots[snapshot].U;
        var tube = new bool[m.R.Length]; var content = new bool[m.R.Length]; var below = new bool[m.R.Length];
        for (int e = 0; e < m.ElementCount; e++)
        {
            double zMin = double.MaxValue;
            for (int a = 0; a < 4; a++) zMin = Math.Min(zMin, m.Z[m.Conn[4 * e + a]]);
            for (int a = 0; a < 4; a++)
            {
                int n = m.Conn[4 * e + a];
                if (m.Region[e] == CellFeModel.Tube) tube[n] = true; else content[n] = true;
                if (zMin < m.Z[n] - 1e-12) below[n] = true;
            }
        }
        double rb = double.MinValue;
        for (int n = 0; n < m.R.Length; n++) if (content[n]) rb = Math.Max(rb, m.R[n]);
        var core = new SortedDictionary<double, double>(); var bore = new SortedDictionary<double, double>();
        for (int n = 0; n < m.R.Length; n++)
        {
            if (Math.Abs(m.R[n] - rb) > 1e-9) continue;
            double z = Math.Round(m.Z[n], 9), r = rb + u[AxiSolid.DofR(n)];
            if (tube[n]) bore[z] = r;
            else if (content[n] && (below[n] || !core.ContainsKey(z))) core[z] = r; // an interface row holds two content nodes: the lower body's, as the model's gap
        }
        return [.. core.Where(kv => bore.ContainsKey(kv.Key)).Select(kv => (kv.Key, kv.Value, bore[kv.Key]))];
    }
}

/// <summary>The cell run stopped before the end; <see cref="Result"/> holds the last converged state (status "stopped").</summary>
public sealed class CellFeStoppedException(CellFeResult result, Exception? inner) : Exception(result.StoppedReason, inner)
{
    public CellFeResult Result { get; } = result;
}

/// <summary>
/// The paper's three mechanical steps of the cylindrical cell (section 2.6, Fig. 6): (1) SE densification at 300 MPa between
/// two SS plungers inside the PTFE tube and release; (2) stacking: Li foil and cathode added (element birth), 10 MPa, then
/// the SS frame fixed; (3) charge: Li grows through its thickness at the Faraday rate of the C/20 current (growth eigenstrain)
/// against the fixed frame while Li creeps. Small-strain B̄ axisymmetric FE with frictionless penalty contact between the
/// bore content and the tube wall (node-to-node, radial).
/// </summary>
public static class CellFeModel
{
    /// <summary>Diagnostics hook (tests): called with the solver right after it is created, e.g. to switch on the residual log.</summary>
    internal static Action<AxiSolid>? ConfigureSolverForDiagnostics;
    /// <summary>Diagnostics hook (scratch drivers): called with the solver and the charge step (in the current node numbering) just before the charge.</summary>
    internal static Action<AxiSolid, LoadStep>? BeforeChargeForDiagnostics;

    public const int RodBottom = 0, Li = 1, Se = 2, Cathode = 3, RodTop = 4, Tube = 5, Regions = 6;
    public static readonly string[] RegionNames = ["SS rod (anode side)", "Li", "SE", "cathode", "SS rod (cathode side)", "tube"];

    /// <param name="cfg">Cell, loads, materials and mesh size.</param>
    /// <param name="progress">Progress per step (fraction of the step's load factor).</param>
    /// <param name="ct">Cancellation, checked between steps.</param>
    /// <param name="log">Optional per-increment line (step, increment, τ, Newton iterations).</param>
    public static CellFeResult Run(CellFeConfig cfg, IProgress<ProgressReport>? progress = null, CancellationToken ct = default, Action<string>? log = null)
    {
        cfg.Validate();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var cpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var geo = new CellGeometry { LiThicknessUm = cfg.LiThicknessUm };
        double rb = geo.BoreDiameterUm / 2000, ro = geo.TubeOuterDiameterUm / 2000;
        bool compaction = cfg.SeModel == "compaction";
        // compaction model: the powder is meshed at its loose (tap) thickness, m / (ρ D_tap A), and pressed; J2 stand-in: the pressed pellet
        double tSe = (compaction ? geo.SeThicknessUm * (1 - geo.SePorosity) / cfg.SeTapRelativeDensity : geo.SeThicknessUm) / 1000;
        double tLi = geo.LiThicknessUm / 1000, tCa = geo.CathodeThicknessUm / 1000;
        double h = cfg.ElementSizeMm;
        int N(double len) => Math.Max(1, (int)Math.Round(len / h));
        // Graded mesh (a family in h: every size below scales with h, so h/2 is a true refinement). Fine elements where the
        // solution has its gradients: radially at the bore wall (the Li|gap corner, the tube's inner surface) and through
        // the Li foil; bulk size h in the SE and cathode, coarser (3h) at the far rod ends.
        double hw = h * cfg.CornerRefinement;
        int nLi = cfg.LiLayerElements > 0 ? cfg.LiLayerElements : Math.Max(4, (int)Math.Ceiling(10 * tLi / h - 1e-9));
        double liRatio = nLi > 1 ? Math.Pow(cfg.LiGrading, 1.0 / (nLi - 1)) : 1;
        double[] zLiGrid = AxiMesh.Graded(0, tLi, nLi, liRatio);
        double hzLiBottom = zLiGrid[1] - zLiGrid[0], hzLiTop = zLiGrid[nLi] - zLiGrid[nLi - 1];
        double[] rc = AxiMesh.GradedBySize(0, rb, h, hw);
        double[] rt = AxiMesh.GradedBySize(rb, ro, hw, 2 * h);
        double z0 = -cfg.RodLengthMm, zLi = 0, zSe = tLi, zCa = tLi + tSe, zRod = zCa + tCa, z1 = zRod + cfg.RodLengthMm;
        double[] zs = AxiMesh.Join(
            AxiMesh.GradedBySize(z0, zLi, 3 * h, hzLiBottom),
            zLiGrid,
            AxiMesh.GradedBySize(zSe, zCa, hzLiTop, h),
            AxiMesh.Graded(zCa, zRod, Math.Max(1, N(tCa))),
            AxiMesh.GradedBySize(zRod, z1, h, 3 * h));
        int RegionAtZ(double zMid) => zMid < zLi ? RodBottom : zMid < zSe ? Li : zMid < zCa ? Se : zMid < zRod ? Cathode : RodTop;
        // content in three bodies that slide on each other (frictionless, no separation): [anode rod + Li slot] | [SE] | [cathode slot + cathode rod]
        int jSe = Array.FindIndex(zs, z => Math.Abs(z - zSe) < 1e-12), jCa = Array.FindIndex(zs, z => Math.Abs(z - zCa) < 1e-12);
        int nz = zs.Length, nrc = rc.Length - 1;
        int[][] blockRows = [[0, jSe], [jSe, jCa], [jCa, nz - 1]];
        var parts = new List<AxiMesh>(); var grids = new List<int[,]>();
        foreach (var br in blockRows)
        {
            var zb = zs[br[0]..(br[1] + 1)];
            var (bm, bat) = AxiMesh.Block(rc, zb, (i, j) => RegionAtZ(0.5 * (zb[j] + zb[j + 1])));
            parts.Add(bm); grids.Add(bat);
        }
        var (tube, tAt) = AxiMesh.Block(rt, zs, (_, _) => Tube);
        parts.Add(tube);
        var (mesh, off) = AxiMesh.Concat([.. parts]);
        // node of body b at global row j, column i
        // after a Li remesh (li_remesh_quality) node numbers change: curMap takes an original node number to the current one (−1: gone)
        int[]? curMap = null;
        int Cur(int n) => curMap == null ? n : curMap[n];
        int MapDofCur(int d) { int n = Cur(d / 2); return n < 0 ? -1 : 2 * n + d % 2; }
        int BNode(int b, int j, int i) => Cur(grids[b][j - blockRows[b][0], i] + off[b]);
        // lower body owning row j (an interface row belongs to the body below it, except row 0)
        int CNode(int j, int i) { int b = j <= jSe ? 0 : j <= jCa ? 1 : 2; return BNode(b, j, i); }
        int TNode(int j, int i) => Cur(tAt[j, i] + off[3]);
        // large deformation with li_rim_sliding_mm > 0: the Li foil's outer-rim bottom nodes are detached from the anode rod so that Li can
        // wrap round the rod's edge into the rod–tube gap (tied to the rod in step 1, node-to-corner contacts from stacking on; docs/fe.md)
        int jLiRow = Array.FindIndex(zs, z => Math.Abs(z - zLi) < 1e-12), rodCorner = BNode(0, jLiRow, nrc), liCorner = -1;
        var rim = new List<(int Rod, int Li, double Area)>(); // detached Li bottom nodes (outer rim) and their rod partners
        for (int i = nrc; cfg.LargeDeformation && cfg.LiRimSlidingMm > 0 && i > 0 && rc[i] >= rb - cfg.LiRimSlidingMm - 1e-9; i--)
        {
            var m0 = mesh;
            (mesh, int nd) = AxiMesh.DetachNode(m0, BNode(0, jLiRow, i), e => m0.Region[e] == Li);
            double ra = 0.5 * (rc[i - 1] + rc[i]), rbb = i < nrc ? 0.5 * (rc[i] + rc[i + 1]) : rb;
            rim.Add((BNode(0, jLiRow, i), nd, 0.5 * (rbb * rbb - ra * ra)));
            if (i == nrc) liCorner = nd;
        }

        bool remeshOn = cfg.LargeDeformation && cfg.LiRemeshQuality > 0;
        int liTopCorner = BNode(0, jSe, nrc); // current number of the Li's top corner at the wall (for the remesh)
        var s = new AxiSolid(mesh, Regions) { RelativeTolerance = cfg.NewtonTolerance, FrictionCoefficient = cfg.FrictionCoefficient, ContactPenaltyMPaPerMm = cfg.ContactPenaltyMPaPerMm, MaxNewton = cfg.MaxNewtonIterations, IncrementLog = log };
        ConfigureSolverForDiagnostics?.Invoke(s);
        for (int b = 0; b < 3; b++)
            for (int j = blockRows[b][0]; j <= blockRows[b][1]; j++)
            {
                double dzLo = j > blockRows[b][0] ? zs[j] - zs[j - 1] : 0, dzHi = j < blockRows[b][1] ? zs[j + 1] - zs[j] : 0;
                if (BNode(b, j, nrc) == rodCorner && liCorner >= 0)
                {   // the rod's and the Li's corner nodes share the row's wall contact: rod below, Li above
                    s.Contacts.Add(new ContactPair(rodCorner, TNode(j, 0), rb * 0.5 * dzLo));
                    s.Contacts.Add(new ContactPair(liCorner, TNode(j, 0), rb * 0.5 * dzHi));
                }
                else s.Contacts.Add(new ContactPair(BNode(b, j, nrc), TNode(j, 0), rb * 0.5 * (dzLo + dzHi)));
            }
        foreach (var (b, j) in new[] { (0, jSe), (1, jCa) })
            for (int i = 0; i <= nrc; i++)
            {
                double ra = i > 0 ? 0.5 * (rc[i - 1] + rc[i]) : 0, rbb = i < nrc ? 0.5 * (rc[i] + rc[i + 1]) : rc[i];
                s.Contacts.Add(new ContactPair(BNode(b, j, i), BNode(b + 1, j, i), 0.5 * (rbb * rbb - ra * ra), Axial: true, Bilateral: true));
            }
        ContactPair[] cornerTie = [.. rim.SelectMany(p => new ContactPair[] { new(p.Rod, p.Li, p.Area, Axial: true, Bilateral: true), new(p.Rod, p.Li, p.Area, Bilateral: true) })];
        s.Contacts.AddRange(cornerTie);
        var ss = CellMaterials.StainlessSteel(cfg.SsEMPa ?? 193e3, cfg.SsNu ?? 0.29);
        Material tubeMat = cfg.TubeMaterial == "peek" ? CellMaterials.Peek(cfg.TubeEMPa ?? 3600, cfg.TubeNu ?? 0.40) : CellMaterials.Ptfe(cfg.PtfeYieldMPa, cfg.PtfeHardeningMPa, cfg.TubeEMPa ?? 500, cfg.TubeNu ?? 0.46);
        var li = cfg.LiCreepModel == "calibrated" ? CellMaterials.Lithium(cfg.TemperatureK, cfg.LiCreepRateAtYieldPerS, cfg.LiYieldMPa, cfg.LiHardeningMPa, cfg.LiEMPa ?? 7820, cfg.LiNu ?? 0.381)
            : CellMaterials.LithiumNarayanAnand(cfg.TemperatureK, cfg.LiFlowResistanceMPa, cfg.LiYieldMPa, cfg.LiHardeningMPa, cfg.LiEMPa ?? 7820, cfg.LiNu ?? 0.381);
        s.Materials[RodBottom] = ss; s.Materials[RodTop] = ss; s.Materials[Tube] = tubeMat;
        Material seMat = compaction ? CellMaterials.SolidElectrolytePowder(cfg.SeLateralRatio, cfg.SeTapRelativeDensity, eMPa: cfg.SeEMPa ?? 22e3, nu: cfg.SeNu ?? 0.27)
            : CellMaterials.SolidElectrolyte(cfg.SeYieldMPa, eMPa: cfg.SeEMPa ?? 22e3, nu: cfg.SeNu ?? 0.27);
        s.Materials[Se] = seMat;
        // step 1: Li and cathode are not in the cell yet; their slots are part of the SS plungers that press the powder
        s.Materials[Li] = ss; s.Materials[Cathode] = ss;

        // boundary conditions
        var supports = new List<Prescribed>();
        for (int b = 0; b < 3; b++) for (int j = blockRows[b][0]; j <= blockRows[b][1]; j++) supports.Add(new(AxiSolid.DofR(BNode(b, j, 0)), _ => 0)); // axis
        for (int i = 0; i <= nrc; i++) supports.Add(new(AxiSolid.DofZ(CNode(0, i)), _ => 0));       // anode-side rod end on the frame
        for (int i = 0; i < rt.Length; i++) supports.Add(new(AxiSolid.DofZ(TNode(0, i)), _ => 0));  // tube rests on the base
        var topEdges = new List<(int A, int B)>();
        for (int i = nrc; i > 0; i--) topEdges.Add((CNode(nz - 1, i), CNode(nz - 1, i - 1)));
        int[] topDofs = [.. Enumerable.Range(0, nrc + 1).Select(i => AxiSolid.DofZ(CNode(nz - 1, i)))];
        double boreArea = Math.PI * rb * rb;

        var result = new CellFeResult { Mesh = mesh, RegionOfElement = mesh.Region, Stats = s.Stats };
        void Snap(string name)
        {
            int ne = mesh.ElementCount;
            var vm = new double[ne]; var p = new double[ne]; var ep = new double[ne]; var act = new bool[ne];
            for (int e = 0; e < ne; e++)
            {
                if (s.Materials[mesh.Region[e]] == null) continue;
                act[e] = true;
                vm[e] = s.ElementMean(e, st => st.VonMises); p[e] = s.ElementMean(e, st => st.Pressure); ep[e] = s.ElementMean(e, st => st.Eqps);
            }
            result.Snapshots.Add(new StepSnapshot(name, vm, p, ep, (double[])s.U.Clone(), act));
        }
        List<EdgePressure> TopPressure(Func<double, double> p) => [.. topEdges.Select(e => new EdgePressure(e.A, e.B, p))];

        // Each step runs through RunStep: it keeps a copy of the last converged displacement (the solver commits the Gauss-point
        // states only on convergence) and, when a step cannot go on, snapshots that state and throws CellFeStoppedException.
        var uOk = (double[])s.U.Clone(); double tauOk = 0, tauBase = 0; string stepName = "";
        s.Progress = new StepTracker(progress, tau =>
        {
            tauOk = tauBase + (1 - tauBase) * tau; Array.Copy(s.U, uOk, uOk.Length);
            if (cfg.MaxIncrements > 0 && s.Stats.Increments >= cfg.MaxIncrements && !(tau >= 1 && result.CompletedSteps == 3))
                throw new IncrementBudgetException($"step '{stepName}': increment budget max_increments = {cfg.MaxIncrements} used up at τ = {tau:F4}");
        });
        void RunStep(LoadStep ls, bool carryIncrement = false)
        {
            stepName = ls.Name; tauOk = 0; tauBase = 0; Array.Copy(s.U, uOk, uOk.Length);
            try
            {
                if (remeshOn) RunWithRemeshing(ls, carryIncrement);
                else s.Run(ls);
            }
            catch (Exception ex) when (ex is ConvergenceException or IncrementBudgetException or InvertedElementException
                                       || (ex is InvalidOperationException && ex.Message.StartsWith("zero pivot", StringComparison.Ordinal)))
            {
                Array.Copy(uOk, s.U, uOk.Length);
                var inv = System.Text.RegularExpressions.Regex.Match(ex.Message, @"element (\d+)\b[^()]*?invert");
                result.InvertedElement = ex is InvertedElementException ie ? ie.Element : inv.Success ? int.Parse(inv.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
                result.Status = "stopped"; result.StoppedStep = ls.Name; result.StoppedTau = tauOk; result.StoppedTimeS = s.TimeS;
                result.StoppedReason = (ex is ConvergenceException or IncrementBudgetException ? ex.Message : $"step '{ls.Name}' at τ = {tauOk:F4}: {ex.Message}")
                    + (result.InvertedElement >= 0 ? $" [element {result.InvertedElement}: {RegionNames[mesh.Region[result.InvertedElement]]}]" : "");
                Snap($"{ls.Name}: last converged state (τ = {tauOk:F4}, stopped)");
                result.Dofs = s.FreeDofs;
                result.WallSeconds = sw.Elapsed.TotalSeconds;
                result.CpuSeconds = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
                throw new CellFeStoppedException(result, ex);
            }
            result.CompletedSteps++;
        }

        // ---- topology-changing Li remeshing (large deformation, li_remesh_quality > 0; docs/fe.md, fifth session) ----
        double remeshThreshold = cfg.LiRemeshQuality;
        var liAxisNodes = new List<int>(); // new Li nodes on the axis (current numbering): u_r = 0
        // a step continued from τ_b (after a remesh) in the current numbering: loads at τ_b + (1 − τ_b) τ′; hold = the loads of τ_b for one increment
        LoadStep SubStep(LoadStep ls, double tb, double t0Step, bool checkQuality, bool hold, double initialRel = double.NaN)
        {
            double scale = 1 - tb;
            double T(double t) => hold ? tb : tb + scale * t;
            var pres = new List<Prescribed>();
            foreach (var p in ls.Prescribed) { int d = MapDofCur(p.Dof); if (d >= 0) pres.Add(new(d, t => p.ValueMm(T(t)))); }
            foreach (int n in liAxisNodes) pres.Add(new(AxiSolid.DofR(n), _ => 0));
            var eig = ls.Eigenstrain;
            return new LoadStep
            {
                Name = hold ? $"{ls.Name} (equilibrium after Li remesh)" : ls.Name, DurationS = hold ? 0 : ls.DurationS * scale, Prescribed = pres,
                Pressures = [.. ls.Pressures.Select(e => new EdgePressure(Cur(e.NodeA), Cur(e.NodeB), t => e.PressureMPa(T(t))))],
                Eigenstrain = eig == null ? null : (e, t) => eig(e, T(t)),
                InitialIncrement = hold ? 1 : double.IsNaN(initialRel) ? Math.Min(1, ls.InitialIncrement / scale) : initialRel, MaxIncrement = hold ? 1 : Math.Min(1, ls.MaxIncrement / scale),
                MinIncrement = hold ? ls.MinIncrement : ls.MinIncrement / scale,
                OnIncrement = hold ? null : (t, _) =>
                {
                    ls.OnIncrement?.Invoke(T(t), s.TimeS - t0Step);
                    if (checkQuality && t < 1 - 1e-12 && s.RegionQuality(Li) < remeshThreshold) throw new RemeshRequest(t);
                },
            };
        }
        // carryIncrement: after a remesh the step goes on with the increment it had reached (in absolute τ), not with its initial one
        void RunWithRemeshing(LoadStep ls, bool carryIncrement = false)
        {
            double t0Step = s.TimeS;
            RunInSubSteps(() => s, (tb, init) => SubStep(ls, tb, t0Step, checkQuality: true, hold: false, initialRel: init), tbNew =>
            {
                tauBase = tbNew; tauOk = tauBase;
                try { RemeshLi(); }
                catch (InputException ex) { throw new ConvergenceException($"step '{ls.Name}': Li remesh at τ = {tauBase:F4} failed: {ex.Message}"); }
                uOk = (double[])s.U.Clone();
                // re-establish equilibrium of the remapped state at the same load (one Newton solve, no time passes) before going on
                var prog = s.Progress; s.Progress = null;
                int it0 = s.Stats.NewtonIterations;
                try { s.Run(SubStep(ls, tauBase, t0Step, checkQuality: false, hold: true)); }
                finally { s.Progress = prog; }
                log?.Invoke($"{ls.Name}: equilibrium after Li remesh at τ = {tauBase:F4} in {s.Stats.NewtonIterations - it0} Newton iterations");
                Array.Copy(s.U, uOk, uOk.Length);
            }, carryIncrement, tauBase);
        }
        // Builds the new Li mesh on the current outline and swaps the solver: block A over the rod face (axis … rod radius, rod face … SE face;
        // the rod-face nodes stay shared with the rod), block B beyond the rod radius (the vertical line up from the rod's corner, the Li down the
        // rod side to its lowest point in the gap, the tube wall, the SE face), conforming along the line r = r_rod.
        void RemeshLi()
        {
            int rodCornerNode = Cur(rodCorner);
            (double R, double Z) P(int n) => s.CurrentPosition(n);
            var (rRod, zRod) = P(rodCornerNode);
            int[] rodFace = [.. Enumerable.Range(0, nrc + 1).Select(i => BNode(0, jLiRow, i))];
            var loop = s.RegionBoundaryLoop(Li, rRod, zRod);
            if (loop[0] != rodCornerNode) throw new InputException("remesh", "the Li outline does not pass through the anode rod's corner");
            // the Li outline from the rod corner, counter-clockwise: outer part (rod side / gap / tube wall) up to the top corner at the wall, the SE face, the axis
            int iTop = -1;
            for (int k = 1; k < loop.Length; k++) if (liTopCorner == loop[k]) { iTop = k; break; }
            if (iTop < 0) throw new InputException("remesh", "the Li outline has lost its top corner at the wall");
            int iAxisTop = Array.FindIndex(loop, iTop, n => P(n).R < 1e-9);
            if (iAxisTop < 0) throw new InputException("remesh", "the Li outline does not reach the axis");
            var outer = loop[..(iTop + 1)];
            // rod-side part: outline nodes that go down along the rod side (r ≤ r_rod + 1 µm); then the lowest point (tip of the Li in the gap)
            int iSide = 0;
            while (iSide + 1 < outer.Length && P(outer[iSide + 1]).R <= rRod + 1e-3 && P(outer[iSide + 1]).Z < P(outer[iSide]).Z) iSide++;
            // bottom of the Li beyond the rod (across the gap, from the rod side outwards) up to where the outline turns up the tube wall (> 45°)
            int iLow = iSide;
            while (iLow + 1 < outer.Length && Math.Abs(P(outer[iLow + 1]).Z - P(outer[iLow]).Z) <= Math.Abs(P(outer[iLow + 1]).R - P(outer[iLow]).R)) iLow++;
            // a tongue hanging down the rod–tube gap (its tip more than 3 µm below the rod corner): block B's left side runs from the tip's inner side
            // up to the rod corner, its bottom round the tip (the two outline segments at the lowest point), its right side up the tube wall
            int iMin = 0;
            for (int k = 1; k < outer.Length; k++) if (P(outer[k]).Z < P(outer[iMin]).Z) iMin = k;
            double depth = zRod - P(outer[iMin]).Z;
            if (depth > 3e-3 && depth > P(outer[iMin]).R - rRod && iMin >= 1 && iMin + 2 < outer.Length) { iSide = Math.Max(iSide, iMin - 1); iLow = iMin + 1; }
            double reach = outer.Max(n => P(n).R) - rRod;
            bool blockB = iLow > iSide && reach > 2e-3;
            {
                int worst = -1; double qw = double.PositiveInfinity;
                for (int e = 0; e < s.Mesh.ElementCount; e++) if (s.Mesh.Region[e] == Li) { double q = s.ElementQuality(e); if (q < qw) { qw = q; worst = e; } }
                log?.Invoke($"Li outline before remesh: rod corner ({rRod:F4}, {zRod:F4}) mm, reach beyond it {reach * 1000:F1} µm, rod-side nodes {iSide}, lowest point {iLow} " +
                    $"({P(outer[iLow]).R:F4}, {P(outer[iLow]).Z:F4}); worst element {worst} (q = {qw:F3}) at " + string.Join(" ", Enumerable.Range(0, 4).Select(a => { var (pr, pz) = P(s.Mesh.Conn[4 * worst + a]); return $"({pr:F4}, {pz:F4})"; })));
            }
            var top = loop[iTop..(iAxisTop + 1)].Select(P).Reverse().ToArray(); // axis → wall along the SE face
            // D: the point of the SE face above the rod corner (r = r_rod)
            int kD = 0;
            while (kD + 1 < top.Length && top[kD + 1].R < rRod) kD++;
            var faceFrac = rodFace.Select(n => P(n).R / rRod).ToArray();
            double[] fz = [.. zLiGrid.Select(z => z / tLi)];
            (double R, double Z)[] topA, rightA;
            (double R, double Z) d;
            if (blockB)
            {
                double w = (rRod - top[kD].R) / (top[kD + 1].R - top[kD].R);
                d = (rRod, top[kD].Z + w * (top[kD + 1].Z - top[kD].Z));
                topA = AxiMesh.Resample([.. top[..(kD + 1)], d], faceFrac);
                rightA = [.. fz.Select(f => (rRod + f * (d.R - rRod), zRod + f * (d.Z - zRod)))];
            }
            else
            {   // no Li beyond the rod yet worth a block: one block whose right side is the outline itself
                d = top[^1];
                topA = AxiMesh.Resample(top, faceFrac);
                rightA = AxiMesh.Resample([.. outer.Select(P)], fz);
            }
            var leftA = fz.Select(f => (0.0, P(rodFace[0]).Z + f * (topA[0].Z - P(rodFace[0]).Z))).ToArray();
            var bottomA = rodFace.Select(P).ToArray();
            var mA = AxiMesh.Transfinite(bottomA, rightA, topA, leftA, Li, smoothingSweeps: 10);
            int nA = mA.NodeCount, colsA = nrc + 1;
            var rr = new List<double>(mA.R); var zz = new List<double>(mA.Z); var conn = new List<int>(mA.Conn);
            var shared = new List<int>(Enumerable.Repeat(-1, nA));
            for (int i = 0; i <= nrc; i++) shared[i] = rodFace[i];
            var topNodes = new List<int>(); var wallNodes = new List<int>(); var rodSideNodes = new List<int>();
            for (int i = 0; i <= nrc; i++) topNodes.Add(nLi * colsA + i);
            var axisLocal = Enumerable.Range(1, nLi).Select(j => j * colsA).ToList();
            int topCornerLocal;
            if (blockB)
            {
                const int nB = 2;
                var side = outer[..(iSide + 1)].Select(P).Reverse().ToArray(); // tip on the rod side → rod corner
                double sideLen = AxiMesh.ArcLengths(side)[^1];
                int mSide = iSide > 0 ? Math.Max(1, (int)Math.Round(sideLen / 0.01)) : 0; // ≈ 10 µm elements down the tongue
                var leftB = new List<(double R, double Z)>();
                if (mSide > 0) leftB.AddRange(AxiMesh.Resample(side, [.. Enumerable.Range(0, mSide).Select(k => (double)k / mSide)]));
                leftB.AddRange(rightA);
                // arc-length fractions of the left side, so that the rows of block B run across the gap
                var lf = AxiMesh.ArcLengths(leftB);
                for (int k = 0; k < lf.Length; k++) lf[k] /= lf[^1];
                var rightB = AxiMesh.Resample([.. outer[iLow..].Select(P)], lf);
                var bottomB = AxiMesh.Resample([.. outer[iSide..(iLow + 1)].Select(P)], [.. Enumerable.Range(0, nB + 1).Select(k => (double)k / nB)]);
                var topB = AxiMesh.Resample([d, .. top[(kD + 1)..]], [.. Enumerable.Range(0, nB + 1).Select(k => (double)k / nB)]);
                var mB = AxiMesh.Transfinite(bottomB, rightB, topB, [.. leftB], Li, smoothingSweeps: 10);
                int rowsB = leftB.Count, colsB = nB + 1;
                var idx = new int[mB.NodeCount];
                for (int j = 0; j < rowsB; j++)
                    for (int i = 0; i < colsB; i++)
                    {
                        int q = j * colsB + i;
                        if (i == 0 && j >= mSide) { idx[q] = (j - mSide) * colsA + nrc; continue; } // block A's right side
                        idx[q] = rr.Count; rr.Add(mB.R[q]); zz.Add(mB.Z[q]); shared.Add(-1);
                    }
                foreach (int c in mB.Conn) conn.Add(idx[c]);
                for (int i = 1; i < colsB; i++) topNodes.Add(idx[(rowsB - 1) * colsB + i]);
                for (int j = 0; j < rowsB; j++) wallNodes.Add(idx[j * colsB + nB]);
                for (int i = 0; i < colsB - 1; i++) rodSideNodes.Add(idx[i]);       // bottom of block B (tip), without the wall node
                for (int j = 1; j < mSide; j++) rodSideNodes.Add(idx[j * colsB]);  // along the rod side
                topCornerLocal = idx[rowsB * colsB - 1];
            }
            else
            {
                for (int j = 1; j <= nLi; j++) wallNodes.Add(j * colsA + nrc);
                topCornerLocal = nLi * colsA + nrc;
            }
            var res = s.RemeshRegion(Li, [.. rr], [.. zz], [.. conn], [.. shared]);
            if (res.QualityAfter < res.QualityBefore + 0.05)
            {   // no gain: keep the old mesh and ask again only when the mesh is clearly worse
                s.Stats.Remeshings--;
                remeshThreshold = 0.5 * res.QualityBefore;
                log?.Invoke($"Li remesh at τ = {tauBase:F4} rejected: worst quality {res.QualityBefore:F3} → {res.QualityAfter:F3}; next attempt below {remeshThreshold:F3}");
                return;
            }
            remeshThreshold = cfg.LiRemeshQuality;
            // renumber everything the cell keeps: original → current node numbers, snapshots onto the new mesh
            curMap = curMap == null ? res.NodeMap : [.. curMap.Select(n => n < 0 ? -1 : res.NodeMap[n])];
            var s2 = res.Solver; var m2 = s2.Mesh;
            for (int k = 0; k < result.Snapshots.Count; k++)
            {
                var sn = result.Snapshots[k];
                int ne2 = m2.ElementCount;
                var vm = new double[ne2]; var pp = new double[ne2]; var ep = new double[ne2]; var act = new bool[ne2]; var u2 = new double[2 * m2.NodeCount];
                for (int e = 0; e < res.ElementMap.Length; e++)
                {
                    int f = res.ElementMap[e];
                    if (f < 0) continue;
                    vm[f] = sn.VonMisesMPa[e]; pp[f] = sn.PressureMPa[e]; ep[f] = sn.Eqps[e]; act[f] = sn.Active?[e] ?? true;
                }
                for (int n = 0; n < res.NodeMap.Length; n++)
                    if (res.NodeMap[n] >= 0) { u2[2 * res.NodeMap[n]] = sn.U[2 * n]; u2[2 * res.NodeMap[n] + 1] = sn.U[2 * n + 1]; }
                result.Snapshots[k] = sn with { VonMisesMPa = vm, PressureMPa = pp, Eqps = ep, U = u2, Active = act };
            }
            int G(int local) => res.RegionNodeMap[local];
            liTopCorner = G(topCornerLocal);
            liAxisNodes.Clear(); liAxisNodes.AddRange(axisLocal.Select(G));
            // contact of the new Li boundary: SE face (node-to-surface), tube wall (node-to-surface over the Li's height ± 0.3 mm), rod edge and side
            double Area(IReadOnlyList<int> chain, int k)
            {
                // ∫ r ds over the halves of the adjacent segments nearer to the node (lumped area per radian; not zero on the axis)
                var (r0, z0) = s2.CurrentPosition(chain[k]);
                double a = 0;
                foreach (int q in (ReadOnlySpan<int>)[k - 1, k + 1])
                {
                    if (q < 0 || q >= chain.Count) continue;
                    var (r1, z1) = s2.CurrentPosition(chain[q]);
                    a += 0.5 * Math.Sqrt((r0 - r1) * (r0 - r1) + (z0 - z1) * (z0 - z1)) * (3 * r0 + r1) / 4;
                }
                return a;
            }
            int[] seFace = [.. Enumerable.Range(0, nrc + 1).Reverse().Select(i => BNode(1, jSe, i))]; // SE bottom, decreasing r: the SE lies to the right (above)
            var topChain = topNodes.Select(G).ToList();
            for (int k = 0; k < topChain.Count; k++) s2.SurfaceContacts.Add(new SurfaceContact(topChain[k], seFace, Area(topChain, k)));
            var wallChain = wallNodes.Select(G).ToList();
            double zLo = wallChain.Min(n => s2.CurrentPosition(n).Z) - 0.3, zHi = wallChain.Max(n => s2.CurrentPosition(n).Z) + 0.3;
            int[] tubeWall = [.. Enumerable.Range(0, nz).Select(j => TNode(j, 0)).Where(n => s2.CurrentPosition(n).Z >= zLo && s2.CurrentPosition(n).Z <= zHi)];
            for (int k = 0; k < wallChain.Count; k++) s2.SurfaceContacts.Add(new SurfaceContact(wallChain[k], tubeWall, Area(wallChain, k)));
            var sideChain = rodSideNodes.Select(G).ToList();
            int[] rodSide = [.. Enumerable.Range(0, jLiRow + 1).Reverse().Select(j => BNode(0, j, nrc))]; // the rod's outer column, corner first (current numbering)
            int sideSurface = AttachRodEdgeContacts(s2, sideChain, [.. Enumerable.Range(0, sideChain.Count).Select(k => Math.Max(Area(sideChain, k), 1e-6))],
                Cur(rodCorner), rodSide, cfg.RodEdgeRadiusUm / 1000, cfg.LiRodSideContact == "surface");
            s = s2; mesh = m2;
            result.Mesh = m2; result.RegionOfElement = m2.Region;
            result.LiRemeshings++;
            result.LiRemeshMaxVolumeChange = Math.Max(result.LiRemeshMaxVolumeChange, Math.Abs(res.RelativeVolumeChange));
            log?.Invoke($"Li remesh {result.LiRemeshings} at τ = {tauBase:F4}: {(blockB ? "blocks A + B" : "block A")}, {res.RemappedPoints} Gauss points remapped " +
                $"({res.OutsidePoints} outside the old outline), ΔV/V = {res.RelativeVolumeChange:E2}, worst quality {res.QualityBefore:F3} → {res.QualityAfter:F3}, " +
                $"{res.DroppedContacts} contacts replaced by {topChain.Count + wallChain.Count} node-to-surface and {sideChain.Count} rod-edge contacts ({sideSurface} of them on the rod side)");
        }

        ct.ThrowIfCancellationRequested();
        double pd = cfg.DensificationPressureMPa;
        RunStep(new LoadStep { Name = "1 densification", DurationS = cfg.DensificationTimeS, Prescribed = supports, Pressures = TopPressure(t => pd * t), InitialIncrement = compaction ? 0.01 : 0.1, MaxIncrement = compaction ? 0.1 : 0.2 });
        Snap("1 densification (300 MPa)");
        // SE thickness (mean over the bore of the top − bottom face displacement) and the lateral pressure on the tube at full load
        int jLiTop = Array.FindIndex(zs, z => Math.Abs(z - zSe) < 1e-12);
        double SeThicknessUm()
        {
            double sum = 0, area = 0;
            for (int i = 0; i < nrc; i++)
            {
                double a = rc[i + 1] * rc[i + 1] - rc[i] * rc[i];
                double du = 0.5 * (s.U[AxiSolid.DofZ(BNode(1, jCa, i))] + s.U[AxiSolid.DofZ(BNode(1, jCa, i + 1))] - s.U[AxiSolid.DofZ(BNode(1, jLiTop, i))] - s.U[AxiSolid.DofZ(BNode(1, jLiTop, i + 1))]);
                sum += a * (tSe + du); area += a;
            }
            return sum / area * 1000;
        }
        result.SeMeshThicknessUm = tSe * 1000;
        result.SeExpectedThicknessUm = geo.SeThicknessUm;
        result.SeThicknessAtPressUm = SeThicknessUm();
        {
            double f = 0, len = 0, pmax = 0;
            foreach (var cp in s.Contacts)
            {
                if (cp.Axial) continue;
                double zc = mesh.Z[cp.Inner];
                if (zc < zSe - 1e-12 || zc > zCa + 1e-12) continue;
                double dz = cp.AreaPerRadMm2 / rb;
                f += cp.NormalForcePerRadN; len += dz;
                if (dz > 0) pmax = Math.Max(pmax, cp.NormalForcePerRadN / (rb * dz));
            }
            result.SeLateralPressureMPa = len > 0 ? f / (rb * len) : 0; result.SeLateralPressureMaxMPa = pmax;
        }
        ct.ThrowIfCancellationRequested();
        RunStep(new LoadStep { Name = "1 release", DurationS = 1, Prescribed = supports, Pressures = TopPressure(t => pd * (1 - t)), InitialIncrement = 0.25, MaxIncrement = 0.5 });
        Snap("1 after release");
        result.SeThicknessAfterReleaseUm = SeThicknessUm();
        if (seMat is CompactionPlasticMaterial cm)
        {
            double dv = 0, vol = 0, mass = 0;
            Span<double> eps = stackalloc double[4];
            for (int e = 0; e < mesh.ElementCount; e++)
                if (mesh.Region[e] == Se)
                {
                    var (rcE, _) = s.Centroid(e);
                    int n0 = mesh.Conn[4 * e], n2 = mesh.Conn[4 * e + 2];
                    double w = rcE * Math.Abs((mesh.R[n2] - mesh.R[n0]) * (mesh.Z[n2] - mesh.Z[n0])); // reference volume per radian (rectangles)
                    double d = s.ElementMean(e, st => cm.RelativeDensity(st)), j = 0;
                    for (int gp = 0; gp < 4; gp++) { s.StrainAt(e, gp, eps); j += 0.25 * (1 + eps[0] + eps[1] + eps[2]); }
                    dv += w * d; vol += w; mass += w * d * j;
                }
            result.SeRelativeDensity = dv / vol;
            result.SeMassRatio = mass / (cm.InitialRelativeDensity * vol);
            double ur = 0; int nw = 0;
            for (int j = jSe; j <= jCa; j++) { ur += s.U[AxiSolid.DofR(BNode(1, j, nrc))]; nw++; }
            result.SeWallRadialUm = ur / nw * 1000;
        }
        // tube bulge and gap after densification
        double bulge = 0, gap = 0, gapLen = 0;
        for (int j = 0; j < nz; j++)
        {
            bulge = Math.Max(bulge, s.U[AxiSolid.DofR(TNode(j, rt.Length - 1))]);
            double g = s.U[AxiSolid.DofR(TNode(j, 0))] - s.U[AxiSolid.DofR(CNode(j, nrc))];
            gap = Math.Max(gap, g);
        }
        for (int j = 0; j + 1 < nz; j++)
        {
            double g0 = s.U[AxiSolid.DofR(TNode(j, 0))] - s.U[AxiSolid.DofR(CNode(j, nrc))];
            double g1 = s.U[AxiSolid.DofR(TNode(j + 1, 0))] - s.U[AxiSolid.DofR(CNode(j + 1, nrc))];
            if (0.5 * (g0 + g1) > 0.1 * gap && gap > 1e-6) gapLen += zs[j + 1] - zs[j];
        }
        result.BulgeUm = bulge * 1000; result.GapUm = gap * 1000; result.GapLengthUm = gapLen * 1000;

        // step 2: stacking — Li and cathode placed (element birth: stress-free in the current configuration), 10 MPa
        ct.ThrowIfCancellationRequested();
        if (cfg.LargeDeformation) s.SwitchToLargeDeformation();
        s.Activate(Li, li);
        if (cfg.LargeDeformation && cfg.LiRezoneQuality > 0) { s.RezoneRegion = Li; s.RezoneQualityThreshold = cfg.LiRezoneQuality; s.GrowthIterations = 8; } // remapped states need a few more iterations
        if (liCorner >= 0)
        {   // from stacking on the Li corner node slides on the rod's rounded edge (and the Li wall nodes cannot enter the rod either)
            foreach (var t in cornerTie) s.Contacts.Remove(t);
            foreach (var p in rim) s.CornerContacts.Add(new CornerContact(p.Li, rodCorner, p.Area, cfg.RodEdgeRadiusUm / 1000));
            for (int j = jLiRow + 1; j <= jSe; j++)
                s.CornerContacts.Add(new CornerContact(BNode(0, j, nrc), rodCorner, rb * 0.5 * (zs[Math.Min(j + 1, jSe)] - zs[j - 1]), cfg.RodEdgeRadiusUm / 1000));
        }
        s.Activate(Cathode, CellMaterials.Cathode(cfg.CathodeEMPa ?? 15e3, cfg.CathodeNu ?? 0.3));
        double ps = cfg.StackPressureMPa;
        RunStep(new LoadStep { Name = "2 stacking", DurationS = cfg.StackTimeS, Prescribed = supports, Pressures = TopPressure(t => ps * t), InitialIncrement = 0.1, MaxIncrement = 0.25 });
        Snap("2 stacking (10 MPa)");
        result.PressureAfterStackMPa = ps;

        // Li that crossed the bore radius (into the gap): ∫ 2π r_b u_r dz over the Li wall nodes
        double LiInGap()
        {   // large deformation: the Li volume outside the bore radius in the deformed configuration
            if (cfg.LargeDeformation) return s.RegionVolumeBeyondRadius(Li, rb);
            double v = 0;
            for (int j = 0; j + 1 < nz; j++)
            {
                double zm = 0.5 * (zs[j] + zs[j + 1]);
                if (RegionAtZ(zm) != Li) continue;
                double u0 = Math.Max(0, s.U[AxiSolid.DofR(CNode(j, nrc))]), u1 = Math.Max(0, s.U[AxiSolid.DofR(CNode(j + 1, nrc))]);
                v += 2 * Math.PI * rb * 0.5 * (u0 + u1) * (zs[j + 1] - zs[j]);
            }
            return v;
        }
        result.LiInGapAfterStackMm3 = LiInGap();
        // the Li outline in the deformed configuration (large deformation): survives a remesh, gives the foil profile of Fig. 6G
        void LiOutline(List<(double RMm, double ZMm)> into)
        {
            if (!cfg.LargeDeformation) return;
            var (rr, zr) = s.CurrentPosition(Cur(rodCorner));
            try { foreach (int n in s.RegionBoundaryLoop(Li, rr, zr)) into.Add(s.CurrentPosition(n)); }
            catch (InputException) { into.Clear(); } // not one simple loop: no outline (the wall-node profile still applies without a remesh)
        }
        LiOutline(result.LiOutlineAfterStack);
        var uStack = (double[])s.U.Clone();
        // Li thickness after stacking from the SE's bottom face and the rod face (both survive a Li remesh)
        double FaceThicknessUm(int i) => (tLi + s.U[AxiSolid.DofZ(BNode(1, jSe, i))] - s.U[AxiSolid.DofZ(BNode(0, jLiRow, i))]) * 1000;
        double[] thickStackFaces = [.. Enumerable.Range(0, nrc + 1).Select(FaceThicknessUm)];

        // step 3: charge against the fixed frame — the top rod end is held where the 10 MPa left it
        var budget = ChargeBudget.ForPaperCell(geo, cfg.CRate, cfg.ChargeHours);
        double platedMm = budget.LiThicknessUm / 1000;
        var frame = new List<Prescribed>(supports);
        foreach (int d in topDofs) { double u = s.U[MapDofCur(d)]; frame.Add(new(d, _ => u)); }
        var eigen = new double[4];
        result.ChargeHistory.Add((0, -s.Reaction(topDofs.Select(MapDofCur)) / boreArea, result.LiInGapAfterStackMm3, 0));
        ct.ThrowIfCancellationRequested();
        // with the Li remeshed (UL), the Li that stacking pushed round the rod edge creeps fast once the frame is fixed (Narayan–Anand: 4.5×10⁻³ s⁻¹
        // at 0.8 MPa, 0.3 s⁻¹ at 1.5 MPa): measured, the first charge increment converges only at 7.6×10⁻⁷ of the 20 h (55 ms) with creep and at 0.05 without
        // (docs/fe.md, sixth session), so the charge starts with 10⁻⁷ (7 ms) and grows the increments from there; the small-strain and
        // non-remeshed paths keep the fixed 1/charge_increments increments.
        // seventh session: grow while ≤ charge_growth_iterations (15), halve after > charge_shrink_iterations (20), carry the increment over a remesh
        if (remeshOn) { s.GrowthIterations = cfg.ChargeGrowthIterations; s.ShrinkIterations = cfg.ChargeShrinkIterations; }
        var charge = new LoadStep
        {
            Name = "3 charge", DurationS = cfg.ChargeHours * 3600, Prescribed = frame,
            Eigenstrain = (e, tau) => mesh.Region[e] == Li ? [0, platedMm * tau / tLi, 0, 0] : null,
            InitialIncrement = remeshOn ? 1e-7 : 1.0 / cfg.ChargeIncrements, MaxIncrement = 1.0 / cfg.ChargeIncrements, MinIncrement = remeshOn ? 1e-11 : LoadStep.DefaultMinIncrement,
            OnIncrement = (tau, t) =>
            {
                result.ChargeHistory.Add((t / 3600, -s.Reaction(topDofs.Select(MapDofCur)) / boreArea, LiInGap(), platedMm * tau * 1000));
                if (remeshOn) log?.Invoke($"3 charge: t = {t / 3600:G4} h, internal pressure {result.ChargeHistory[^1].PressureMPa:F4} MPa, Li beyond the bore {result.ChargeHistory[^1].LiInGapMm3:F4} mm³");
            },
        };
        BeforeChargeForDiagnostics?.Invoke(s, remeshOn ? SubStep(charge, 0, s.TimeS, checkQuality: false, hold: false) : charge);
        RunStep(charge, carryIncrement: remeshOn);
        Snap("3 after charge (20 h)");
        result.LiInGapAfterChargeMm3 = LiInGap();
        result.FinalPressureMPa = result.ChargeHistory[^1].PressureMPa;
        result.PlatedLiUm = budget.LiThicknessUm;
        result.PlatedLiVolumeMm3 = platedMm * boreArea;
        for (int e = 0; e < mesh.ElementCount; e++) if (mesh.Region[e] == Li) result.MaxLiEqps = Math.Max(result.MaxLiEqps, s.ElementMean(e, st => st.Eqps));
        LiOutline(result.LiOutlineAfterCharge);
        if (result.LiRemeshings > 0) // after a Li remesh the wall nodes of the foil are gone: the profile comes from the outlines, every 5 µm of height
            result.LiWallProfile.AddRange(WallProfileFromOutlines(result.LiOutlineAfterStack, result.LiOutlineAfterCharge, rb, 0.005));
        for (int j = 0; j < nz && result.LiRemeshings == 0; j++)
            if (zs[j] >= zLi - 1e-12 && zs[j] <= zSe + 1e-12)
                result.LiWallProfile.Add((zs[j], uStack[AxiSolid.DofR(CNode(j, nrc))] * 1000, s.U[AxiSolid.DofR(CNode(j, nrc))] * 1000));
        int jLi = Array.FindIndex(zs, z => Math.Abs(z - zLi) < 1e-12);
        for (int i = 0; i <= nrc; i++)
        {
            if (result.LiRemeshings > 0) { result.LiThicknessProfile.Add((rc[i], thickStackFaces[i], FaceThicknessUm(i))); continue; }
            double Thick(double[] u) => (tLi + u[AxiSolid.DofZ(CNode(jSe, i))] - u[AxiSolid.DofZ(CNode(jLi, i))]) * 1000;
            result.LiThicknessProfile.Add((rc[i], Thick(uStack), Thick(s.U)));
        }
        result.Dofs = s.FreeDofs;
        result.WallSeconds = sw.Elapsed.TotalSeconds;
        result.CpuSeconds = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        return result;
    }

    /// <summary>
    /// Runs a step in sub-steps that a converged increment may interrupt (its callback throws <see cref="RemeshRequest"/> with the sub-step's τ′):
    /// the sub-step from τ_b (<paramref name="tauStart"/> first) is <paramref name="subStep"/>(τ_b, initial increment in the sub-step's τ′ or NaN
    /// for the step's own) run on <paramref name="solver"/>(); on an interruption the step's τ_b becomes τ_b + (1 − τ_b)τ′, <paramref name="interrupted"/>
    /// runs (e.g. remeshes and swaps the solver) and the next sub-step starts. With <paramref name="carryIncrement"/> it starts with the increment the
    /// interrupted one had reached (<see cref="AxiSolid.NextIncrement"/>, the same absolute Δτ = Δτ′(1 − τ_b)), else with the step's initial increment.
    /// </summary>
    internal static void RunInSubSteps(Func<AxiSolid> solver, Func<double, double, LoadStep> subStep, Action<double> interrupted, bool carryIncrement, double tauStart = 0)
    {
        double tb = tauStart, init = double.NaN;
        while (true)
        {
            try { solver().Run(subStep(tb, init)); return; }
            catch (RemeshRequest rq)
            {
                double nextAbs = solver().NextIncrement * (1 - tb);
                tb += (1 - tb) * rq.Tau;
                if (carryIncrement && double.IsFinite(nextAbs) && tb < 1) init = Math.Min(1, nextAbs / (1 - tb));
                interrupted(tb);
            }
        }
    }

    /// <summary>Largest r at which the horizontal line at height <paramref name="zMm"/> crosses a closed polygon (r, z), i.e. the outer radius of
    /// the region there; NaN if the line misses it. Half-open rule per edge (z₀ ≤ z &lt; z₁ or z₁ ≤ z &lt; z₀): a vertex is counted once and
    /// horizontal edges are skipped.</summary>
    public static double OuterRadiusAtHeight(IReadOnlyList<(double RMm, double ZMm)> outline, double zMm)
    {
        double best = double.NaN;
        for (int k = 0; k < outline.Count; k++)
        {
            var (r0, z0) = outline[k]; var (r1, z1) = outline[(k + 1) % outline.Count];
            if ((z0 <= zMm) == (z1 <= zMm)) continue;
            double r = r0 + (zMm - z0) / (z1 - z0) * (r1 - r0);
            if (!(r <= best)) best = r;
        }
        return best;
    }

    /// <summary>The Li foil profile at the tube wall from two outlines (after stacking, after charge): at heights every <paramref name="dzMm"/>
    /// (cell centres) over the z range both outlines span together, how far the Li's outer radius lies beyond the bore radius
    /// <paramref name="boreRadiusMm"/>, µm (the remeshed counterpart of the wall nodes' u_r); NaN where an outline has no Li at that height.</summary>
    public static List<(double ZMm, double UrStackUm, double UrChargeUm)> WallProfileFromOutlines(
        IReadOnlyList<(double RMm, double ZMm)> stack, IReadOnlyList<(double RMm, double ZMm)> charge, double boreRadiusMm, double dzMm)
    {
        var rows = new List<(double, double, double)>();
        if (stack.Count < 3 || charge.Count < 3) return rows;
        double z0 = Math.Min(stack.Min(p => p.ZMm), charge.Min(p => p.ZMm)), z1 = Math.Max(stack.Max(p => p.ZMm), charge.Max(p => p.ZMm));
        int n = Math.Max(1, (int)Math.Ceiling((z1 - z0) / dzMm));
        for (int k = 0; k < n; k++)
        {
            double z = z0 + (k + 0.5) * (z1 - z0) / n;
            rows.Add((z, (OuterRadiusAtHeight(stack, z) - boreRadiusMm) * 1000, (OuterRadiusAtHeight(charge, z) - boreRadiusMm) * 1000));
        }
        return rows;
    }

    /// <summary>
    /// Rod-edge contacts of Li boundary nodes (<paramref name="nodes"/>, lumped areas per radian <paramref name="areas"/>) against the anode rod whose
    /// corner node is <paramref name="cornerNode"/> and whose outer (side) column, listed from the corner downwards, is <paramref name="rodSide"/>.
    /// With <paramref name="sideSurface"/>, a node that is below the rounded edge in the current configuration (z &lt; z_corner − ρ) gets a
    /// node-to-surface contact on the rod side (<see cref="SurfaceContact"/>: the obstacle lies to the right of the corner-first, downward list,
    /// i.e. at smaller r), so its reaction goes to the two side nodes of the segment it touches and follows the rod's deformation there; the
    /// other nodes (on the fillet or above the top face) get a <see cref="CornerContact"/> with fillet radius <paramref name="filletMm"/>.
    /// Without it every node gets a corner contact (the rod a rigid quadrant moving with its corner node, all reactions on that node).
    /// Returns the number of side-surface contacts.
    /// </summary>
    internal static int AttachRodEdgeContacts(AxiSolid s, IReadOnlyList<int> nodes, IReadOnlyList<double> areas, int cornerNode, int[] rodSide, double filletMm, bool sideSurface)
    {
        InputException.Require(rodSide.Length >= 2 && rodSide[0] == cornerNode, "rod side", "must list at least two nodes, starting at the rod's corner node");
        var (_, zc) = s.CurrentPosition(cornerNode);
        int count = 0;
        for (int k = 0; k < nodes.Count; k++)
        {
            if (nodes[k] == cornerNode) continue; // the rod's corner node itself (block B's first bottom node before a tongue exists): no self-contact
            if (sideSurface && s.CurrentPosition(nodes[k]).Z < zc - filletMm) { s.SurfaceContacts.Add(new SurfaceContact(nodes[k], rodSide, areas[k])); count++; }
            else s.CornerContacts.Add(new CornerContact(nodes[k], cornerNode, areas[k], filletMm));
        }
        return count;
    }

    /// <summary>Forwards the solver's per-increment progress and reports each converged increment's τ to the run.</summary>
    sealed class StepTracker(IProgress<ProgressReport>? outer, Action<double> converged) : IProgress<ProgressReport>
    {
        public void Report(ProgressReport value) { outer?.Report(value); converged(value.Fraction); }
    }

    sealed class IncrementBudgetException(string message) : Exception(message);

    /// <summary>Thrown from a converged increment's callback when the Li mesh needs remeshing; <see cref="Tau"/> is the sub-step's load factor.</summary>
    internal sealed class RemeshRequest(double tau) : Exception("Li remesh requested")
    {
        public double Tau { get; } = tau;
    }

    /// <summary>
    /// Rasterises a per-element field onto an r–z image (reference configuration, row 0 at the top = largest z), zero outside
    /// active elements. Returns the image and its pixel size in mm.
    /// </summary>
    public static Image2D<float> Rasterize(AxiMesh mesh, double[] field, double pixelMm, double zMin, double zMax, double rMax)
    {
        int w = (int)Math.Ceiling(rMax / pixelMm), hgt = (int)Math.Ceiling((zMax - zMin) / pixelMm);
        var img = new Image2D<float>(w, hgt);
        for (int e = 0; e < mesh.ElementCount; e++)
        {
            double r0 = double.MaxValue, r1 = double.MinValue, z0 = double.MaxValue, z1 = double.MinValue;
            for (int a = 0; a < 4; a++) { int n = mesh.Conn[4 * e + a]; r0 = Math.Min(r0, mesh.R[n]); r1 = Math.Max(r1, mesh.R[n]); z0 = Math.Min(z0, mesh.Z[n]); z1 = Math.Max(z1, mesh.Z[n]); }
            int x0 = Math.Max(0, (int)Math.Floor(r0 / pixelMm)), x1 = Math.Min(w - 1, (int)Math.Ceiling(r1 / pixelMm) - 1);
            int ya = Math.Max(0, (int)Math.Floor((zMax - z1) / pixelMm)), yb = Math.Min(hgt - 1, (int)Math.Ceiling((zMax - z0) / pixelMm) - 1);
            for (int y = ya; y <= yb; y++)
                for (int x = x0; x <= x1; x++)
                {
                    double rc = (x + 0.5) * pixelMm, zc = zMax - (y + 0.5) * pixelMm;
                    if (rc >= r0 && rc < r1 && zc >= z0 && zc < z1) img[y, x] = (float)field[e];
                }
        }
        return img;
    }
}
