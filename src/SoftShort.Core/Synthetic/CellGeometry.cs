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

    /// <summary>Length of each SS rod inside the field of view, µm (a display choice, not a property of the cell).</summary>
    public double RodLengthInViewUm { get; init; } = 3000;

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
        var list = new List<CellLayer>();
        double z = -RodLengthInViewUm;
        void Add(CellMaterial m, double t) { list.Add(new CellLayer(m, z, z + t)); z += t; }
        Add(CellMaterial.StainlessSteel, RodLengthInViewUm);
        Add(CellMaterial.Lithium, LiThicknessUm);
        Add(CellMaterial.SolidElectrolyte, SeThicknessUm);
        Add(CellMaterial.Cathode, CathodeThicknessUm);
        Add(CellMaterial.StainlessSteel, RodLengthInViewUm);
        return list;
    }

    /// <summary>
    /// The material at a point of a side section through the axis: x is the distance from the axis (µm, signed),
    /// z the axial position (µm, as in <see cref="Layers"/>).
    /// </summary>
    public CellMaterial MaterialAt(double xUm, double zUm)
    {
        double r = Math.Abs(xUm);
        if (r > TubeOuterDiameterUm / 2) return CellMaterial.Air;
        if (r > BoreDiameterUm / 2) return CellMaterial.Ptfe;
        foreach (var l in Layers())
            if (zUm >= l.StartUm && zUm < l.EndUm) return l.Material;
        return CellMaterial.Air;
    }
}

/// <summary>Materials of the cell, in the order the tour figure colours them.</summary>
public enum CellMaterial { Air = 0, Ptfe = 1, StainlessSteel = 2, Lithium = 3, SolidElectrolyte = 4, Cathode = 5 }

/// <summary>One layer along the cell axis, [StartUm, EndUm).</summary>
public readonly record struct CellLayer(CellMaterial Material, double StartUm, double EndUm)
{
    public double ThicknessUm => EndUm - StartUm;
}
