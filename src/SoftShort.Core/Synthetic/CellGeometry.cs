namespace SoftShort.Synthetic;

/// <summary>
/// The cylindrical all-solid-state cell of Cao et al. 2023 (Experimental section): a PTFE tube of 1/4 inch bore,
/// two stainless-steel rods as plugs, and from one rod: Li foil | argyrodite SE pellet | NMC811 composite cathode | SS.
/// Layer thicknesses follow from the stated masses, densities and the bore area. All lengths in µm along the cell
/// axis z (z = 0 at the Li|SS interface on the anode side, growing towards the cathode).
/// </summary>
public sealed record CellGeometry
{
    /// <summary>Bore (inner tube) diameter, µm: 1/4 inch (paper, Experimental section).</summary>
    public double BoreDiameterUm { get; init; } = 6350;

    /// <summary>PTFE tube outer diameter, µm. Assumption: the standard 1/4″ ID × 3/8″ OD PTFE tube (the paper gives only the bore).</summary>
    public double TubeOuterDiameterUm { get; init; } = 9525;

    /// <summary>Li foil thickness, µm: "thinned to ≈ 250 µm through pressing" (paper, Experimental section).</summary>
    public double LiThicknessUm { get; init; } = 250;

    /// <summary>SE powder mass, mg (paper: 60 mg pressed at 300 MPa).</summary>
    public double SeMassMg { get; init; } = 60;

    /// <summary>
    /// Theoretical density of Li5.4PS4.4Cl1.6, g cm⁻³: cubic F-43m argyrodite, Z = 4, a ≈ 9.80 Å
    /// (Li6PS5Cl a = 9.85 Å, Deiseroth et al., Angew. Chem. 2008; Cl-rich phases contract slightly), M = 266.2 g mol⁻¹ → 1.87.
    /// </summary>
    public double SeTheoreticalDensityGPerCm3 { get; init; } = 1.87;

    /// <summary>SE porosity after cold pressing at 300 MPa: 16.25 %, the value the paper's phase-field model takes "consistent with the experimental measurements".</summary>
    public double SePorosity { get; init; } = 0.1625;

    /// <summary>Cathode composite mass, mg (paper: 8 mg, NMC811 : SE : carbon fibre = 80 : 20 : 2 by weight).</summary>
    public double CathodeMassMg { get; init; } = 8;

    /// <summary>NMC811 density, g cm⁻³ (≈ 4.75, crystallographic density of LiNi0.8Mn0.1Co0.1O2, R-3m, a = 2.87 Å, c = 14.20 Å).</summary>
    public double Nmc811DensityGPerCm3 { get; init; } = 4.75;

    /// <summary>Vapour-grown carbon fibre density, g cm⁻³ (≈ 2.0, Showa Denko VGCF data sheet).</summary>
    public double CarbonFibreDensityGPerCm3 { get; init; } = 2.0;

    /// <summary>Cathode porosity after pressing at 100 MPa. Assumption (≈ 20 %, typical of cold-pressed sulfide composites; the paper does not state it).</summary>
    public double CathodePorosity { get; init; } = 0.20;

    /// <summary>
    /// Length of each SS rod modelled beyond the stack, µm (not a property of the cell: the rods are plugs longer than any field of
    /// view here). 8000: the paper camera's 14-mm frame centred on the pellet reaches 6.3 mm into each rod, and its rods must run
    /// through the frame as in the paper's radiographs; with 3000 (until the fifth session) the frame showed the rods' ends and the
    /// empty tube beyond them, an edge the layer finder took for SS|Li.
    /// </summary>
    public double RodLengthInViewUm { get; init; } = 8000;

    public double BoreAreaCm2 => Math.PI * Math.Pow(BoreDiameterUm * 1e-4 / 2, 2);

    /// <summary>NMC811 mass in the cathode, mg: 80/102 of the composite (= 6.27 mg for 8 mg).</summary>
    public double Nmc811MassMg => CathodeMassMg * 80.0 / 102.0;

    /// <summary>SE pellet thickness, µm: m / (ρ (1 − φ) A).</summary>
    public double SeThicknessUm => SeMassMg * 1e-3 / (SeTheoreticalDensityGPerCm3 * (1 - SePorosity)) / BoreAreaCm2 * 1e4;

    /// <summary>Cathode thickness, µm, from the solid volume of its three components and its porosity.</summary>
    public double CathodeThicknessUm
    {
        get
        {
            double m = CathodeMassMg * 1e-3; // g
            double solidCm3 = m * 80 / 102 / Nmc811DensityGPerCm3 + m * 20 / 102 / SeTheoreticalDensityGPerCm3 + m * 2 / 102 / CarbonFibreDensityGPerCm3;
            return solidCm3 / (1 - CathodePorosity) / BoreAreaCm2 * 1e4;
        }
    }

    /// <summary>The layers along z from the anode-side rod to the cathode-side rod, with their extents in µm.</summary>
    public IReadOnlyList<CellLayer> Layers()
    {
        var layers = new CellLayer[LayerCount];
        FillLayers(layers);
        return layers;
    }

    const int LayerCount = 5;

    /// <summary>The one definition of the layer stack; <see cref="CoreMaterialAt"/> fills a stack buffer so per-voxel lookups in forward models allocate nothing.</summary>
    void FillLayers(Span<CellLayer> layers)
    {
        double z = -RodLengthInViewUm;
        int i = 0;
        void Add(Span<CellLayer> dst, CellMaterial m, double t) { dst[i++] = new CellLayer(m, z, z + t); z += t; }
        Add(layers, CellMaterial.StainlessSteel, RodLengthInViewUm);
        Add(layers, CellMaterial.Lithium, LiThicknessUm);
        Add(layers, CellMaterial.SolidElectrolyte, SeThicknessUm);
        Add(layers, CellMaterial.Cathode, CathodeThicknessUm);
        Add(layers, CellMaterial.StainlessSteel, RodLengthInViewUm);
    }

    /// <summary>
    /// Radial bulge of the PTFE bore at the SE pellet, µm: pressing the SE at 300 MPa expanded it and slightly deformed the
    /// tube (paper, Sec. 2.1, visible in Fig. 1C). The paper gives no number; 120 µm (≈ 2 px at 25 µm resolution is the
    /// scale of the deformation visible in Fig. 1C) is an assumption. 0 = a straight tube.
    /// </summary>
    public double BulgeRadialUm { get; init; } = 120;

    /// <summary>
    /// Axial distance over which the bulge relaxes to the nominal bore beyond each face of the SE|cathode pellet, µm
    /// (cosine taper). Where the bulged bore surrounds the Li foil and the rods (radius = nominal bore) it leaves an
    /// annular gap (air) between them and the PTFE: the gap into which Li creeps (P4). Assumption: 600 µm.
    /// </summary>
    public double BulgeTaperUm { get; init; } = 600;

    /// <summary>Nominal bore radius, µm (the Li foil and both rods have this radius).</summary>
    public double BoreRadiusUm => BoreDiameterUm / 2;

    /// <summary>Axial extent [start, end) of the pressed pellet (SE + cathode), µm: the part of the bore the bulge follows.</summary>
    public (double StartUm, double EndUm) PelletExtentUm => (LiThicknessUm, LiThicknessUm + SeThicknessUm + CathodeThicknessUm);

    /// <summary>Radial bulge of bore (and tube outside) at axial position z, µm: full over the pellet, cosine taper beyond it.</summary>
    public double BulgeAtUm(double zUm)
    {
        if (BulgeRadialUm <= 0) return 0;
        var (a, b) = PelletExtentUm;
        double d = zUm < a ? a - zUm : zUm >= b ? zUm - b : 0;
        if (d <= 0) return BulgeRadialUm;
        if (BulgeTaperUm <= 0 || d >= BulgeTaperUm) return 0;
        return BulgeRadialUm * 0.5 * (1 + Math.Cos(Math.PI * d / BulgeTaperUm));
    }

    /// <summary>Inner radius of the PTFE tube at z, µm (nominal bore + bulge).</summary>
    public double BoreRadiusAtUm(double zUm) => BoreRadiusUm + BulgeAtUm(zUm);

    /// <summary>Outer radius of the PTFE tube at z, µm (the wall keeps its thickness and follows the bulge).</summary>
    public double TubeOuterRadiusAtUm(double zUm) => TubeOuterDiameterUm / 2 + BulgeAtUm(zUm);

    /// <summary>The layer material on the axis at z (Air outside the layers).</summary>
    public CellMaterial CoreMaterialAt(double zUm)
    {
        Span<CellLayer> layers = stackalloc CellLayer[LayerCount];
        FillLayers(layers);
        foreach (var l in layers)
            if (zUm >= l.StartUm && zUm < l.EndUm) return l.Material;
        return CellMaterial.Air;
    }

    /// <summary>
    /// Radius of the core (layer) material at z, µm: the pressed SE and cathode fill the bulged bore; the Li foil and
    /// the rods keep the nominal bore radius, leaving the gap up to <see cref="BoreRadiusAtUm"/>.
    /// </summary>
    public double CoreRadiusAtUm(double zUm) =>
        CoreMaterialAt(zUm) is CellMaterial.SolidElectrolyte or CellMaterial.Cathode ? BoreRadiusAtUm(zUm) : BoreRadiusUm;

    /// <summary>Annular gap width between core and PTFE at z, µm (0 where the core fills the bore).</summary>
    public double GapWidthAtUm(double zUm) => BoreRadiusAtUm(zUm) - CoreRadiusAtUm(zUm);

    /// <summary>
    /// The concentric shells at axial position z from the axis outwards: core layer [0, r_core), gap (Air)
    /// [r_core, r_bore) when present, PTFE [r_bore, r_outer). Radii in µm. For analytic chord lengths
    /// (a straight ray at distance x from the axis crosses a shell [a, b) over 2(√(b²−x²) − √(a²−x²)), each root clipped at 0).
    /// </summary>
    public IReadOnlyList<(CellMaterial Material, double InnerUm, double OuterUm)> RadialShells(double zUm)
    {
        var core = CoreMaterialAt(zUm);
        double rc = CoreRadiusAtUm(zUm), rb = BoreRadiusAtUm(zUm), ro = TubeOuterRadiusAtUm(zUm);
        var list = new List<(CellMaterial, double, double)>(3) { (core, 0, rc) };
        if (rb > rc) list.Add((CellMaterial.Air, rc, rb));
        list.Add((CellMaterial.Ptfe, rb, ro));
        return list;
    }

    /// <summary>Material at distance <paramref name="rUm"/> from the axis and axial position z (axisymmetric cell).</summary>
    public CellMaterial MaterialAtRadius(double rUm, double zUm)
    {
        double r = Math.Abs(rUm);
        if (r >= TubeOuterRadiusAtUm(zUm)) return CellMaterial.Air;
        if (r >= BoreRadiusAtUm(zUm)) return CellMaterial.Ptfe;
        if (r >= CoreRadiusAtUm(zUm)) return CellMaterial.Air; // the gap left by the bulge
        return CoreMaterialAt(zUm);
    }

    /// <summary>
    /// The material at a point of a side section through the axis: x is the distance from the axis (µm, signed),
    /// z the axial position (µm, as in <see cref="Layers"/>).
    /// </summary>
    public CellMaterial MaterialAt(double xUm, double zUm) => MaterialAtRadius(xUm, zUm);

    /// <summary>The material at a 3D point: (x, y) across the axis (µm from the axis), z along it (µm, as in <see cref="Layers"/>).</summary>
    public CellMaterial MaterialAt(double xUm, double yUm, double zUm) => MaterialAtRadius(Math.Sqrt(xUm * xUm + yUm * yUm), zUm);
}

/// <summary>Materials of the cell, in the order the tour figure colours them.</summary>
public enum CellMaterial { Air = 0, Ptfe = 1, StainlessSteel = 2, Lithium = 3, SolidElectrolyte = 4, Cathode = 5 }

/// <summary>One layer along the cell axis, [StartUm, EndUm).</summary>
public readonly record struct CellLayer(CellMaterial Material, double StartUm, double EndUm)
{
    public double ThicknessUm => EndUm - StartUm;
}
