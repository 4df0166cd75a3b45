using SoftShort.Electrochemistry;

namespace SoftShort.Synthetic;

/// <summary>
/// The 3D cell of the ex-situ neutron CT (paper Sec. 2.5, Fig. 5, S14–S16), before cycling or after the soft short, as a
/// material at every point. Built on <see cref="CellGeometry"/> (layers, bulged bore and gap) and made non-axisymmetric,
/// so that a rotation about the cell axis is observable:
/// <list type="bullet">
/// <item>an uneven bulge: the bore bulge scales with 1 + <see cref="BulgeUnevenness"/>·cos(φ − <see cref="BulgeAzimuthDeg"/>);</item>
/// <item>an SS framework tie rod parallel to the axis (Fig. S14: the SS framework that holds the 10 MPa);</item>
/// <item>an SS set screw through the PTFE wall at the SE pellet.</item>
/// </list>
/// After the soft short (planted changes, paper Fig. 5B–D): the Li is thinned at the Li|SS interface over the centre of the
/// foil (a void of depth <see cref="ThinningUm"/>, P3), and Li has crept on one side (<see cref="CreepAzimuthDeg"/>) into the
/// gap and a pocket pressed into the soft PTFE wall at the Li edge, from the SS side to the SE side (P2/P4). The uniform
/// plated layer of the C/20 charge (Faraday: ≈ 19 µm in 20 h, <see cref="ChargeBudget"/>) is below the 100 µm voxel and is
/// not drawn. Coordinates: µm; x, y across the axis, z along it as in <see cref="CellGeometry.Layers"/> (z = 0 at Li|SS).
/// </summary>
public sealed record NeutronCtCell
{
    public CellGeometry Cell { get; init; } = new();
    /// <summary>True: the state after the soft short; false: before cycling.</summary>
    public bool After { get; init; }

    /// <summary>Azimuth of the strongest bulge, degrees (assumption).</summary>
    public double BulgeAzimuthDeg { get; init; } = 30;
    /// <summary>Relative azimuthal modulation of the bulge (0 = axisymmetric). Assumption: 0.6.</summary>
    public double BulgeUnevenness { get; init; } = 0.6;

    /// <summary>Centre of the SS framework tie rod (x, y), µm, and its radius (assumption: an 0.8 mm rod inside the field of view).</summary>
    public (double X, double Y) TieRodCenterUm { get; init; } = (5500, 0);
    public double TieRodRadiusUm { get; init; } = 400;

    /// <summary>SS set screw: azimuth (deg), axial position (µm), radius (µm); it reaches from 0.6 mm outside the tube to the bore.</summary>
    public double ScrewAzimuthDeg { get; init; } = 200;
    public double ScrewZUm { get; init; } = 800;
    public double ScrewRadiusUm { get; init; } = 350;

    /// <summary>Depth of the Li loss at the Li|SS interface on the axis, µm (falls to 0 at <see cref="ThinningRadiusUm"/>). Planted: 110 µm.</summary>
    public double ThinningUm { get; init; } = 110;
    public double ThinningRadiusUm { get; init; } = 2600;

    /// <summary>Creep side: azimuth (deg) and half-width (deg) of the sector where Li crept into the PTFE.</summary>
    public double CreepAzimuthDeg { get; init; } = -40;
    public double CreepHalfWidthDeg { get; init; } = 55;
    /// <summary>Radial depth of the Li pocket in the PTFE wall at the sector centre, µm (cosine falloff to the sector edges).</summary>
    public double CreepDepthUm { get; init; } = 450;
    /// <summary>Axial extent of the creep pocket: from <see cref="CreepTopUm"/> (SS side, negative z) to <see cref="CreepBottomUm"/> (SE side).</summary>
    public double CreepTopUm { get; init; } = -250;
    public double CreepBottomUm { get; init; } = 450;

    /// <summary>The cell after the soft short with the same geometry.</summary>
    public NeutronCtCell AsAfter() => this with { After = true };

    /// <summary>Material at (x, y, z) µm in the cell frame.</summary>
    public CellMaterial MaterialAt(double x, double y, double z)
    {
        // framework tie rod
        double dxr = x - TieRodCenterUm.X, dyr = y - TieRodCenterUm.Y;
        if (dxr * dxr + dyr * dyr < TieRodRadiusUm * TieRodRadiusUm) return CellMaterial.StainlessSteel;

        double r = Math.Sqrt(x * x + y * y);
        double phi = Math.Atan2(y, x) * 180 / Math.PI;
        double bulge = Cell.BulgeAtUm(z) * Math.Max(0, 1 + BulgeUnevenness * Math.Cos((phi - BulgeAzimuthDeg) * Math.PI / 180));
        double rBore = Cell.BoreRadiusUm + bulge;
        double rOuter = Cell.TubeOuterDiameterUm / 2 + bulge;

        // set screw: a cylinder along the radial direction at ScrewAzimuthDeg, from the bore to 0.8 mm beyond the tube
        double sa = ScrewAzimuthDeg * Math.PI / 180;
        double along = x * Math.Cos(sa) + y * Math.Sin(sa), across = -x * Math.Sin(sa) + y * Math.Cos(sa);
        double dzS = z - ScrewZUm;
        if (along > rBore && along < rOuter + 600 && across * across + dzS * dzS < ScrewRadiusUm * ScrewRadiusUm) return CellMaterial.StainlessSteel;

        if (After && CreepWeight(phi) is double w && w > 0 && z >= CreepTopUm && z < CreepBottomUm)
        {
            // the pocket tapers towards its axial ends
            double zc = (CreepTopUm + CreepBottomUm) / 2, hz = (CreepBottomUm - CreepTopUm) / 2;
            double depth = CreepDepthUm * w * Math.Sqrt(Math.Max(0, 1 - Math.Pow((z - zc) / hz, 2)));
            if (r >= Cell.BoreRadiusUm && r < rBore + depth) return CellMaterial.Lithium;
        }

        if (r >= rOuter) return CellMaterial.Air;
        if (r >= rBore) return CellMaterial.Ptfe;
        var core = Cell.CoreMaterialAt(z);
        double rCore = core is CellMaterial.SolidElectrolyte or CellMaterial.Cathode ? rBore : Cell.BoreRadiusUm;
        if (r >= rCore) return CellMaterial.Air; // the gap left by the bulge
        if (After && core == CellMaterial.Lithium && r < ThinningRadiusUm)
        {
            double u = r / ThinningRadiusUm;
            if (z < ThinningUm * (1 - u * u)) return CellMaterial.Air; // Li lost at the Li|SS interface
        }
        return core;
    }

    double CreepWeight(double phiDeg)
    {
        double d = Math.Abs(((phiDeg - CreepAzimuthDeg) % 360 + 540) % 360 - 180);
        return d >= CreepHalfWidthDeg ? 0 : Math.Cos(d / CreepHalfWidthDeg * Math.PI / 2);
    }

    /// <summary>Li volume, mm³, by midpoint sampling on a grid of <paramref name="stepUm"/> over the region that can hold Li.</summary>
    public double LithiumVolumeMm3(double stepUm = 20)
    {
        double rMax = Cell.TubeOuterDiameterUm / 2 + 1000, z0 = Math.Min(CreepTopUm, 0) - stepUm, z1 = Math.Max(CreepBottomUm, Cell.LiThicknessUm) + stepUm;
        int nxy = (int)Math.Ceiling(2 * rMax / stepUm), nz = (int)Math.Ceiling((z1 - z0) / stepUm);
        long count = 0;
        object gate = new();
        Parallel.For(0, nz, () => 0L, (k, _, local) =>
        {
            double z = z0 + (k + 0.5) * stepUm;
            for (int j = 0; j < nxy; j++)
                for (int i = 0; i < nxy; i++)
                    if (MaterialAt(-rMax + (i + 0.5) * stepUm, -rMax + (j + 0.5) * stepUm, z) == CellMaterial.Lithium) local++;
            return local;
        }, c => Interlocked.Add(ref count, c));
        return count * Math.Pow(stepUm * 1e-3, 3);
    }
}
