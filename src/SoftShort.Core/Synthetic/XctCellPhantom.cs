using System.Numerics;
using SoftShort.IO;

namespace SoftShort.Synthetic;

/// <summary>
/// Parameters of the synthetic post-mortem XCT volume of the paper's XCT cell (Experimental section: 2 mm bore PEEK
/// tube, 15 mg SE, 1 mg cathode, Li foil of 2 mm diameter, SS rods; Zeiss Xradia Versa 520 at 60 kV, voxel 1.62 µm).
/// Lengths in µm; grey levels on an 8-bit scale. The default voxel (16.2 µm = the paper's 1.62 µm binned 10×) keeps
/// the sample in <c>data-samples/xct/</c> under 8 MB; <c>--voxel-um 1.62</c> gives the full-size volume.
/// </summary>
public sealed record XctPhantomOptions
{
    public int Seed { get; init; } = 6;
    /// <summary>Isotropic voxel size, µm (paper: 1.62 µm; default 10× binned).</summary>
    public double VoxelUm { get; init; } = 16.2;
    /// <summary>Width of the square field of view, µm.</summary>
    public double FieldOfViewUm { get; init; } = 2750;
    /// <summary>Bore of the PEEK tube, µm (paper: 2 mm inner diameter).</summary>
    public double BoreDiameterUm { get; init; } = 2000;
    /// <summary>PEEK tube outer diameter, µm (assumption: not stated in the paper).</summary>
    public double TubeOuterDiameterUm { get; init; } = 2600;
    /// <summary>Length of each SS rod inside the field of view, µm (a display choice).</summary>
    public double RodInViewUm { get; init; } = 300;
    /// <summary>
    /// Cathode layer, µm: 1 mg of composite over the π (1 mm)² bore. Composite density ≈ 2.86 g cm⁻³ from NMC811 (4.75), SE (1.87)
    /// and carbon fibre (2.0 g cm⁻³) at 80 : 20 : 2 by weight and an assumed 20 % porosity (as <see cref="CellGeometry"/>) → ≈ 110 µm.
    /// </summary>
    public double CathodeUm { get; init; } = 110;
    /// <summary>
    /// SE pellet, µm: 15 mg at 1.87 g cm⁻³ (theoretical, see <see cref="CellGeometry.SeTheoreticalDensityGPerCm3"/>) with 16.25 %
    /// porosity over π (1 mm)² = 3.04 mm (paper: "a thickness of around 3 mm").
    /// </summary>
    public double SeUm { get; init; } = 3040;
    /// <summary>Li foil, µm (assumption: the XCT cell's foil thickness is not stated; 250 µm as in the neutron cell).</summary>
    public double LiUm { get; init; } = 250;
    /// <summary>Number of SE layers for the planted fractions (paper Fig. 3J: 10).</summary>
    public int Layers { get; init; } = 10;
    /// <summary>Planted low-attenuation volume fraction of layer 1 (cathode side); paper Fig. 3J: 9.91 %.</summary>
    public double FractionCathodeSide { get; init; } = 0.0991;
    /// <summary>Planted low-attenuation volume fraction of layer N (anode side); paper Fig. 3J: 30.65 %.</summary>
    public double FractionAnodeSide { get; init; } = 0.3065;
    /// <summary>Longest anode-connected filament, µm (paper: "can reach 1.5 mm in height", about half the SE).</summary>
    public double LongestFilamentUm { get; init; } = 1500;
    /// <summary>Number of filament roots on the Li|SE interface.</summary>
    public int FilamentRoots { get; init; } = 80;
    /// <summary>Filament root radius range, µm ("broad in the root", Fig. 3D).</summary>
    public double FilamentRootRadiusMinUm { get; init; } = 40;
    public double FilamentRootRadiusMaxUm { get; init; } = 80;
    /// <summary>Filament tip radius, µm ("thin in the tip").</summary>
    public double FilamentTipRadiusUm { get; init; } = 16;
    /// <summary>Size filter of the paper, µm³: planted isolated islands are ≥ 2× this, specks ≤ 0.5× this.</summary>
    public double SizeFilterUm3 { get; init; } = 3.4e5;
    /// <summary>Number of small specks (below the size filter) in the SE.</summary>
    public int Specks { get; init; } = 120;
    /// <summary>Number of thin cracks (Griffith flaws), mostly on the anode side.</summary>
    public int Cracks { get; init; } = 8;
    /// <summary>Grey levels (8-bit scale), ordered by X-ray attenuation at 60 kV: Li (ρ 0.53 g cm⁻³, Z = 3) ≈ void &lt; PEEK ≪ SE &lt; NMC811 cathode &lt; steel.</summary>
    public double GreyAir { get; init; } = 20;
    public double GreyLi { get; init; } = 27;
    public double GreyPeek { get; init; } = 38;
    public double GreySeLowDensity { get; init; } = 106;
    public double GreySe { get; init; } = 124;
    public double GreyCathode { get; init; } = 200;
    public double GreySteel { get; init; } = 245;
    /// <summary>Gaussian noise σ (grey levels).</summary>
    public double NoiseSigma { get; init; } = 6;
    /// <summary>In-plane Gaussian blur σ, voxels (detector/focal-spot blur).</summary>
    public double BlurSigmaVoxels { get; init; } = 0.6;
    /// <summary>Weight of each neighbouring slice in the axial blur kernel [w, 1−2w, w].</summary>
    public double AxialBlurWeight { get; init; } = 0.15;
    /// <summary>Beam-hardening cupping: grey deficit at the tube axis relative to its rim.</summary>
    public double CuppingDepth { get; init; } = 10;
    /// <summary>Number of ring artefacts (concentric about the rotation axis) and their amplitude (grey levels).</summary>
    public int Rings { get; init; } = 4;
    public double RingAmplitude { get; init; } = 5;
    /// <summary>Margin inside the bore of the truth's cell mask, voxels (must match the analysis' mask margin).</summary>
    public double MaskMarginVoxels { get; init; } = 2;

    /// <summary>Checks the parameters (one-line <see cref="InputException"/> naming the parameter).</summary>
    public void Validate()
    {
        InputException.Require(double.IsFinite(VoxelUm) && VoxelUm >= 0.5 && VoxelUm <= 100, "--voxel-um", $"{VoxelUm}: must be in [0.5, 100] µm");
        InputException.Require(BoreDiameterUm > 0 && TubeOuterDiameterUm > BoreDiameterUm && FieldOfViewUm >= TubeOuterDiameterUm * 0.9, "geometry", "need 0 < bore < tube outer diameter ≤ field of view");
        InputException.Require(Layers is >= 1 and <= 100, "--layers", $"{Layers}: 1 to 100");
        InputException.Require(FractionCathodeSide is >= 0 and < 0.5 && FractionAnodeSide is >= 0 and < 0.5, "fractions", "planted fractions must be in [0, 0.5)");
        InputException.Require(LongestFilamentUm > 0 && LongestFilamentUm < SeUm, "--longest-filament-um", $"{LongestFilamentUm}: must be in (0, SE thickness {SeUm})");
        long vox = (long)Width * Width * Depth;
        InputException.Require(Width >= 32 && Depth >= 32, "--voxel-um", $"{VoxelUm} µm gives a {Width}×{Width}×{Depth} volume: too small");
        InputException.Require(vox < 40_000_000_000L, "--voxel-um", $"{VoxelUm} µm gives {vox} voxels: too many");
    }

    public int Width => (int)Math.Round(FieldOfViewUm / VoxelUm);
    public int RodSlices => Math.Max(1, (int)Math.Round(RodInViewUm / VoxelUm));
    public int CathodeSlices => Math.Max(1, (int)Math.Round(CathodeUm / VoxelUm));
    public int SeSlices => Math.Max(4, (int)Math.Round(SeUm / VoxelUm));
    public int LiSlices => Math.Max(2, (int)Math.Round(LiUm / VoxelUm));
    public int Depth => 2 * RodSlices + CathodeSlices + SeSlices + LiSlices;
    /// <summary>First SE slice (the cathode|SE interface is at this slice's top face).</summary>
    public int SeFirstSlice => RodSlices + CathodeSlices;
    /// <summary>First Li slice (the SE|Li interface).</summary>
    public int LiFirstSlice => SeFirstSlice + SeSlices;
    /// <summary>Planted target fraction of layer k (0-based): linear from the cathode side to the anode side.</summary>
    public double TargetFraction(int k) => Layers == 1 ? FractionCathodeSide : FractionCathodeSide + (FractionAnodeSide - FractionCathodeSide) * k / (Layers - 1);
}

/// <summary>Planted truth of a synthetic XCT volume (voxel coordinates: slice z covers [z, z+1), its centre at z + 0.5).</summary>
public sealed record XctPhantomTruth
{
    public required int Depth { get; init; }
    public required int Height { get; init; }
    public required int Width { get; init; }
    public required double VoxelUm { get; init; }
    public required double CentreXVoxels { get; init; }
    public required double CentreYVoxels { get; init; }
    public required double BoreRadiusVoxels { get; init; }
    public required double MaskRadiusVoxels { get; init; }
    /// <summary>Cathode|SE interface, in slice coordinates (the top face of the first SE slice).</summary>
    public required double CathodeInterfaceZ { get; init; }
    /// <summary>SE|Li interface (top face of the first Li slice).</summary>
    public required double AnodeInterfaceZ { get; init; }
    /// <summary>Per layer (cathode side first): fraction of SE voxels inside the mask that is low-attenuation material (partial-volume exact to 1/27).</summary>
    public required double[] LayerFractionAll { get; init; }
    public required double[] LayerFractionConnected { get; init; }
    public required double[] LayerFractionIsolatedLarge { get; init; }
    public required double[] LayerFractionSpecks { get; init; }
    public required double[] LayerTargetFraction { get; init; }
    /// <summary>How far the anode-connected filaments reach into the SE from the SE|Li interface, µm (deepest tip).</summary>
    public required double FilamentReachUm { get; init; }
    /// <summary>The planted longest filament (root 0, with its branches): reach into the SE, µm.</summary>
    public required double LongestFilamentReachUm { get; init; }
    /// <summary>Its root diameter at the SE|Li interface (2 × root radius), µm; it tapers linearly along its path to the tip diameter.</summary>
    public required double LongestFilamentRootDiameterUm { get; init; }
    /// <summary>Its tip diameter (2 × tip radius, at least 1.5 voxels), µm.</summary>
    public required double LongestFilamentTipDiameterUm { get; init; }
    /// <summary>Centre of its root on the interface, voxels (pixel centres at +0.5).</summary>
    public required double LongestFilamentRootXVoxels { get; init; }
    public required double LongestFilamentRootYVoxels { get; init; }
    public required int FilamentRoots { get; init; }
    public required int FilamentSegments { get; init; }
    public required int IsolatedIslands { get; init; }
    public required int CrackCount { get; init; }
    public required int SpeckCount { get; init; }
    /// <summary>Total volume of large isolated islands + cracks inside the mask and the SE, µm³.</summary>
    public required double IsolatedLargeVolumeUm3 { get; init; }
    /// <summary>Total anode-connected filament volume inside the SE and the mask, µm³.</summary>
    public required double ConnectedVolumeUm3 { get; init; }

    public void Write(string path)
    {
        var s = new SummaryJson("synth xct truth");
        foreach (var p in GetType().GetProperties())
            s.Set(ToSnake(p.Name), p.GetValue(this) is double[] a ? a : p.GetValue(this));
        s.Write(path);
    }

    static string ToSnake(string n) => string.Concat(n.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

/// <summary>
/// Forward model of the post-mortem XCT volume of Fig. 3: SS rod | NMC811 cathode | SE (with a low/high density texture,
/// isolated voids and inactive-Li islands, thin cracks and small specks) | Li foil with branching filaments grown from it
/// into the SE | SS rod, inside a PEEK tube in air. The low-attenuation volume fraction per SE layer is planted to rise
/// linearly from the cathode side to the anode side (Fig. 3J: 9.91 → 30.65 %). Image formation: partial volume on a
/// 3×3×3 sub-grid, axial + in-plane Gaussian blur, beam-hardening cupping, ring artefacts and Gaussian noise, 8-bit
/// grey values. Slices are generated block by block, so the full-size volume streams to disk with bounded memory.
/// Deterministic for a seed (placement from one <see cref="Random"/>, noise seeded per slice).
/// </summary>
public sealed class XctCellPhantom
{
    const int Sub = 3, SubCount = Sub * Sub * Sub;
    enum Kind : byte { Filament = 1, Island = 2, Speck = 3 }

    // a primitive: tapered capsule (segment A→B with radii RA→RB) or ellipsoid (centre A, axes U,V,W scaled by 1/semi-axis)
    sealed class Obj
    {
        public Kind Kind;
        public bool IsCapsule;
        public Vector3 A, B; public float RA, RB;
        public Vector3 U, V, W; // ellipsoid axes divided by semi-axes
        public Vector3 Lo, Hi;  // bounding box (x, y, z) in voxels
        public bool Contains(Vector3 p)
        {
            if (IsCapsule)
            {
                var ab = B - A; float len2 = ab.LengthSquared();
                float t = len2 > 0 ? Math.Clamp(Vector3.Dot(p - A, ab) / len2, 0, 1) : 0;
                float r = RA + (RB - RA) * t;
                return Vector3.DistanceSquared(p, A + t * ab) <= r * r;
            }
            var d = p - A;
            float a = Vector3.Dot(d, U), b = Vector3.Dot(d, V), c = Vector3.Dot(d, W);
            return a * a + b * b + c * c <= 1;
        }
    }

    readonly XctPhantomOptions _o;
    readonly List<Obj> _objects = [];
    readonly List<Obj>[] _bySlice;
    readonly double _cx, _cy, _rb, _ro, _rMask;
    readonly float[] _noiseLattice;
    readonly (double R, double A)[] _rings;
    int _roots, _segments, _islands, _cracks, _specks;
    double _reachVoxels;
    // the planted longest filament (root 0): root radius and centre, reach (voxels)
    double _longestRootRadius, _longestRootX, _longestRootY, _longestReachVoxels;

    public XctPhantomOptions Options => _o;

    public XctCellPhantom(XctPhantomOptions options)
    {
        options.Validate();
        _o = options;
        int w = _o.Width;
        _cx = _cy = w / 2.0;
        _rb = _o.BoreDiameterUm / 2 / _o.VoxelUm;
        _ro = _o.TubeOuterDiameterUm / 2 / _o.VoxelUm;
        _rMask = _rb - _o.MaskMarginVoxels;
        var rng = new Random(_o.Seed);
        _noiseLattice = new float[64 * 64 * 64];
        for (int i = 0; i < _noiseLattice.Length; i++) _noiseLattice[i] = (float)rng.NextDouble();
        _rings = Enumerable.Range(0, _o.Rings).Select(_ => (R: 5 + rng.NextDouble() * (w / 2.0 - 5), A: _o.RingAmplitude * (rng.Next(2) * 2 - 1))).ToArray();
        _bySlice = new List<Obj>[_o.Depth];
        for (int z = 0; z < _o.Depth; z++) _bySlice[z] = [];
        PlaceFilaments(rng);
        PlaceIsolated(rng);
    }

    double Um(double voxels) => voxels * _o.VoxelUm;
    float Vx(double um) => (float)(um / _o.VoxelUm);

    void Add(Obj o)
    {
        _objects.Add(o);
        int z0 = Math.Max(0, (int)Math.Floor(o.Lo.Z)), z1 = Math.Min(_o.Depth - 1, (int)Math.Floor(o.Hi.Z));
        for (int z = z0; z <= z1; z++) _bySlice[z].Add(o);
    }

    static Obj Capsule(Kind k, Vector3 a, Vector3 b, float ra, float rb)
    {
        float r = Math.Max(ra, rb);
        return new Obj { Kind = k, IsCapsule = true, A = a, B = b, RA = ra, RB = rb, Lo = Vector3.Min(a, b) - new Vector3(r), Hi = Vector3.Max(a, b) + new Vector3(r) };
    }

    static Obj Ellipsoid(Kind k, Vector3 c, Vector3 u, Vector3 v, Vector3 w, float a, float b, float cc)
    {
        // bounding box of a rotated ellipsoid: half-extent along axis i = sqrt(Σ (semi_j u_j,i)²)
        var ext = new Vector3(
            MathF.Sqrt(a * a * u.X * u.X + b * b * v.X * v.X + cc * cc * w.X * w.X),
            MathF.Sqrt(a * a * u.Y * u.Y + b * b * v.Y * v.Y + cc * cc * w.Y * w.Y),
            MathF.Sqrt(a * a * u.Z * u.Z + b * b * v.Z * v.Z + cc * cc * w.Z * w.Z));
        return new Obj { Kind = k, IsCapsule = false, A = c, U = u / a, V = v / b, W = w / cc, Lo = c - ext, Hi = c + ext };
    }

    static (Vector3 U, Vector3 V, Vector3 W) RandomFrame(Random rng)
    {
        // uniform random rotation from a unit quaternion (Shoemake 1992)
        double u1 = rng.NextDouble(), u2 = rng.NextDouble() * 2 * Math.PI, u3 = rng.NextDouble() * 2 * Math.PI;
        var q = new Quaternion((float)(Math.Sqrt(1 - u1) * Math.Sin(u2)), (float)(Math.Sqrt(1 - u1) * Math.Cos(u2)), (float)(Math.Sqrt(u1) * Math.Sin(u3)), (float)(Math.Sqrt(u1) * Math.Cos(u3)));
        return (Vector3.Transform(Vector3.UnitX, q), Vector3.Transform(Vector3.UnitY, q), Vector3.Transform(Vector3.UnitZ, q));
    }

    /// <summary>Filaments: branching tapered capsule chains from the Li|SE interface towards the cathode (−z).</summary>
    void PlaceFilaments(Random rng)
    {
        float zA = _o.LiFirstSlice;
        float longest = Vx(_o.LongestFilamentUm);
        float seg = Math.Max(1.5f, Vx(50));
        float tip = Math.Max(0.75f, Vx(_o.FilamentTipRadiusUm));
        var stack = new Stack<(Vector3 P, Vector3 Dir, float R, float Remaining, float Total)>();
        for (int i = 0; i < _o.FilamentRoots; i++)
        {
            float len = i == 0 ? longest : longest * (float)(0.12 + 0.68 * Math.Pow(rng.NextDouble(), 1.6));
            float r0 = Vx(_o.FilamentRootRadiusMinUm + rng.NextDouble() * (_o.FilamentRootRadiusMaxUm - _o.FilamentRootRadiusMinUm));
            double ang = rng.NextDouble() * 2 * Math.PI, rad = (_rMask - r0 - 3) * Math.Sqrt(rng.NextDouble());
            var root = new Vector3((float)(_cx + rad * Math.Cos(ang)), (float)(_cy + rad * Math.Sin(ang)), zA + 1.0f);
            stack.Push((root, -Vector3.UnitZ, r0, len + 1, len + 1));
            if (i == 0) { _longestRootRadius = r0; _longestRootX = root.X; _longestRootY = root.Y; }
            _roots++;
            while (stack.Count > 0)
            {
                var (p, dir, r, remaining, total) = stack.Pop();
                while (remaining > 0)
                {
                    float step = Math.Min(seg, remaining);
                    // wander: random lateral kick, biased back towards −z
                    var kick = new Vector3((float)(rng.NextDouble() - 0.5), (float)(rng.NextDouble() - 0.5), (float)(rng.NextDouble() - 0.5) * 0.3f);
                    var nd = Vector3.Normalize(dir + 0.55f * kick + new Vector3(0, 0, -0.35f));
                    var q = p + step * nd;
                    // keep inside the bore
                    double dx = q.X - _cx, dy = q.Y - _cy, rr = Math.Sqrt(dx * dx + dy * dy), lim = _rMask - r - 2;
                    if (rr > lim && rr > 0) { q.X = (float)(_cx + dx * lim / rr); q.Y = (float)(_cy + dy * lim / rr); nd = Vector3.Normalize(q - p); }
                    float rNext = Math.Max(tip, r - (r - tip) * step / Math.Max(step, remaining));
                    Add(Capsule(Kind.Filament, p, q, r, rNext));
                    _segments++;
                    _reachVoxels = Math.Max(_reachVoxels, zA - (q.Z - rNext));
                    if (i == 0) _longestReachVoxels = Math.Max(_longestReachVoxels, zA - (q.Z - rNext));
                    remaining -= step;
                    // branching, more likely near the root ("web-like structure" next to the Li, Fig. 3E slice 5)
                    double pBranch = 0.05 + 0.25 * Math.Clamp(1 - (zA - q.Z) / (0.4 * longest), 0, 1);
                    if (remaining > 3 * seg && rng.NextDouble() < pBranch)
                    {
                        var bd = Vector3.Normalize(new Vector3((float)(rng.NextDouble() - 0.5) * 2, (float)(rng.NextDouble() - 0.5) * 2, -0.4f));
                        stack.Push((q, bd, Math.Max(tip, rNext * 0.8f), remaining * (float)(0.25 + 0.5 * rng.NextDouble()), total));
                    }
                    p = q; dir = nd; r = rNext;
                }
            }
        }
    }

    /// <summary>Isolated islands (voids / inactive Li), cracks and specks, placed to reach the planted per-layer fractions.</summary>
    void PlaceIsolated(Random rng)
    {
        int n = _o.Layers;
        double zc = _o.SeFirstSlice, za = _o.LiFirstSlice, layerT = (za - zc) / n;
        double voxelVolUm3 = Math.Pow(_o.VoxelUm, 3);
        float clearance = 2.2f;
        float maxIslandAxis = Vx(120);
        var placed = new List<Obj>();

        bool Free(Obj o, float extra)
        {
            // bounding-box pre-test, then a conservative centre-distance test against every nearby object
            foreach (var list in SlicesOf(o.Lo.Z - extra - maxIslandAxis, o.Hi.Z + extra + maxIslandAxis))
                foreach (var p in list)
                {
                    if (p.Kind == Kind.Island && o.Kind == Kind.Island && !IsCrack(p) && !IsCrack(o)) continue; // islands may cluster
                    if (p.Hi.X + extra < o.Lo.X || p.Lo.X - extra > o.Hi.X || p.Hi.Y + extra < o.Lo.Y || p.Lo.Y - extra > o.Hi.Y || p.Hi.Z + extra < o.Lo.Z || p.Lo.Z - extra > o.Hi.Z) continue;
                    if (!Separated(p, o, extra)) return false;
                }
            return true;
        }

        bool InsideSe(Obj o) =>
            o.Lo.Z > zc + clearance && o.Hi.Z < za - clearance &&
            Math.Sqrt(Math.Pow((o.Lo.X + o.Hi.X) / 2 - _cx, 2) + Math.Pow((o.Lo.Y + o.Hi.Y) / 2 - _cy, 2)) + (o.Hi.X - o.Lo.X) / 2 < _rMask - 1;

        // cracks: thin discs, mostly on the anode side (Griffith flaws, Fig. 3D)
        for (int i = 0, tries = 0; i < _o.Cracks && tries < 2000; tries++)
        {
            var (u, v, w) = RandomFrame(rng);
            float a = Vx(150 + rng.NextDouble() * 110), b = Vx(100 + rng.NextDouble() * 60), c = Math.Max(1.1f, Vx(16));
            if (4.0 / 3 * Math.PI * a * b * c * voxelVolUm3 < 2 * _o.SizeFilterUm3) continue;
            double zf = 1 - Math.Pow(rng.NextDouble(), 2) * 0.9; // towards the anode
            var cen = RandomPointInBore(rng, zc + zf * (za - zc));
            var o = Ellipsoid(Kind.Island, cen, u, v, w, a, b, c);
            if (!InsideSe(o) || !Free(o, clearance)) continue;
            Add(o); placed.Add(o); _cracks++; i++;
        }

        // specks below the size filter
        for (int i = 0, tries = 0; i < _o.Specks && tries < 20000; tries++)
        {
            float r = Vx(25 + rng.NextDouble() * 7);
            r = Math.Max(r, 1.2f);
            if (4.0 / 3 * Math.PI * r * r * r * voxelVolUm3 > 0.5 * _o.SizeFilterUm3) r = (float)Math.Cbrt(0.5 * _o.SizeFilterUm3 / voxelVolUm3 * 3 / (4 * Math.PI));
            var cen = RandomPointInBore(rng, zc + rng.NextDouble() * (za - zc));
            var o = Ellipsoid(Kind.Speck, cen, Vector3.UnitX, Vector3.UnitY, Vector3.UnitZ, r, r, r);
            if (!InsideSe(o) || !Free(o, clearance)) continue;
            Add(o); placed.Add(o); _specks++; i++;
        }

        // islands (may overlap each other: a cluster is still one isolated region), layer by layer, in a few rounds of
        // exact rasterised coverage so that each layer reaches its planted fraction
        for (int round = 0; round < 4; round++)
        {
            var current = LayerCoverage(null);
            bool any = false;
            for (int k = 0; k < n; k++)
            {
                double deficit = _o.TargetFraction(k) * current.Count[k] - current.Sum[k];
                double added = 0;
                for (int tries = 0; added < 0.9 * deficit && tries < 20000; tries++)
                {
                    var (u, v, w) = RandomFrame(rng);
                    float a = Vx(60 + rng.NextDouble() * 60), b = Vx(45 + rng.NextDouble() * 35), c = Vx(40 + rng.NextDouble() * 25);
                    double vol = 4.0 / 3 * Math.PI * a * b * c;
                    if (vol * voxelVolUm3 < 2 * _o.SizeFilterUm3) continue;
                    var cen = RandomPointInBore(rng, zc + (k + rng.NextDouble()) * layerT);
                    var o = Ellipsoid(Kind.Island, cen, u, v, w, a, b, c);
                    if (!InsideSe(o) || !Free(o, clearance)) continue;
                    Add(o); placed.Add(o); _islands++; any = true;
                    added += vol;
                }
            }
            if (!any) break;
        }
    }

    /// <summary>Cracks are the flat islands (smallest semi-axis under 1.5 voxels); they keep their clearance from everything.</summary>
    static bool IsCrack(Obj o) => !o.IsCapsule && 1 / MathF.Max(o.U.Length(), MathF.Max(o.V.Length(), o.W.Length())) < 1.5f;

    Vector3 RandomPointInBore(Random rng, double z)
    {
        double ang = rng.NextDouble() * 2 * Math.PI, rad = _rMask * Math.Sqrt(rng.NextDouble());
        return new Vector3((float)(_cx + rad * Math.Cos(ang)), (float)(_cy + rad * Math.Sin(ang)), (float)z);
    }

    IEnumerable<List<Obj>> SlicesOf(double z0, double z1)
    {
        int a = Math.Max(0, (int)Math.Floor(z0)), b = Math.Min(_o.Depth - 1, (int)Math.Floor(z1));
        // an object is listed in every slice it touches: visit each object once by its first slice in range
        var seen = new HashSet<Obj>(ReferenceEqualityComparer.Instance);
        for (int z = a; z <= b; z++)
        {
            var fresh = _bySlice[z].Where(seen.Add).ToList();
            if (fresh.Count > 0) yield return fresh;
        }
    }

    /// <summary>Conservative separation test: true when the two objects are at least <paramref name="gap"/> voxels apart.</summary>
    static bool Separated(Obj p, Obj o, float gap)
    {
        // bounding spheres of ellipsoids against capsules/ellipsoids
        (Vector3 C, float R) Sphere(Obj e) => (e.A, 1 / MathF.Min(e.U.Length(), MathF.Min(e.V.Length(), e.W.Length())));
        if (!o.IsCapsule && !p.IsCapsule)
        {
            var (c1, r1) = Sphere(o); var (c2, r2) = Sphere(p);
            if (Vector3.Distance(c1, c2) >= r1 + r2 + gap) return true;
            // finer: sample points of o's surface bounding sphere is too coarse for flat cracks; test o's ellipsoid inflated by gap
            return !EllipsoidsClose(o, p, gap);
        }
        var cap = p.IsCapsule ? p : o; var other = p.IsCapsule ? o : p;
        var (c, r) = Sphere(other);
        var ab = cap.B - cap.A; float len2 = ab.LengthSquared();
        float t = len2 > 0 ? Math.Clamp(Vector3.Dot(c - cap.A, ab) / len2, 0, 1) : 0;
        float rc = cap.RA + (cap.RB - cap.RA) * t;
        return Vector3.Distance(c, cap.A + t * ab) >= r + rc + gap;
    }

    /// <summary>Samples one ellipsoid's volume on a coarse grid and tests the other inflated by the gap (approximate, errs on "close").</summary>
    static bool EllipsoidsClose(Obj a, Obj b, float gap)
    {
        var lo = Vector3.Max(a.Lo, b.Lo - new Vector3(gap)); var hi = Vector3.Min(a.Hi, b.Hi + new Vector3(gap));
        if (lo.X > hi.X || lo.Y > hi.Y || lo.Z > hi.Z) return false;
        for (float z = lo.Z; z <= hi.Z; z += 0.5f)
            for (float y = lo.Y; y <= hi.Y; y += 0.5f)
                for (float x = lo.X; x <= hi.X; x += 0.5f)
                {
                    var p = new Vector3(x, y, z);
                    if (!a.Contains(p)) continue;
                    // inflated test: scale distance in b's metric conservatively by its smallest semi-axis
                    var d = p - b.A;
                    float u = Vector3.Dot(d, b.U), v = Vector3.Dot(d, b.V), w = Vector3.Dot(d, b.W);
                    float rr = MathF.Sqrt(u * u + v * v + w * w);
                    float minSemi = 1 / MathF.Max(b.U.Length(), MathF.Max(b.V.Length(), b.W.Length()));
                    if (rr <= 1 + gap / minSemi) return true;
                }
        return false;
    }

    /// <summary>Sum of coverage (in voxels) and voxel count per SE layer inside the truth mask, for one kind (null: all).</summary>
    (double[] Sum, double[] Count) LayerCoverage(Kind? kind)
    {
        int n = _o.Layers;
        var sum = new double[n]; var cnt = new double[n];
        for (int z = _o.SeFirstSlice; z < _o.LiFirstSlice; z++)
        {
            int k = LayerOf(z + 0.5);
            var (cov, _) = CoverageSlice(z, kind);
            double s = 0; long c = 0;
            int w = _o.Width;
            for (int y = 0; y < w; y++)
                for (int x = 0; x < w; x++)
                {
                    if (!InMask(x, y)) continue;
                    c++;
                    s += BitOperations.PopCount(cov[y * w + x]) / (double)SubCount;
                }
            sum[k] += s; cnt[k] += c;
        }
        return (sum, cnt);
    }

    int LayerOf(double zCentre)
    {
        double zc = _o.SeFirstSlice, za = _o.LiFirstSlice;
        return Math.Clamp((int)Math.Floor((zCentre - zc) / (za - zc) * _o.Layers), 0, _o.Layers - 1);
    }

    bool InMask(int x, int y) { double dx = x + 0.5 - _cx, dy = y + 0.5 - _cy; return dx * dx + dy * dy < _rMask * _rMask; }

    /// <summary>Sub-voxel coverage bit masks (27 bits) of one slice: all objects of a kind (or all kinds), and the filament-only mask.</summary>
    (uint[] Cov, uint[] Fil) CoverageSlice(int z, Kind? kind)
    {
        int w = _o.Width;
        var cov = new uint[w * w];
        var fil = new uint[w * w];
        foreach (var o in _bySlice[z])
        {
            if (kind is { } k && o.Kind != k) continue;
            int x0 = Math.Max(0, (int)Math.Floor(o.Lo.X)), x1 = Math.Min(w - 1, (int)Math.Floor(o.Hi.X));
            int y0 = Math.Max(0, (int)Math.Floor(o.Lo.Y)), y1 = Math.Min(w - 1, (int)Math.Floor(o.Hi.Y));
            for (int y = y0; y <= y1; y++)
                for (int x = x0; x <= x1; x++)
                {
                    uint bits = 0; int bit = 0;
                    for (int sz = 0; sz < Sub; sz++)
                        for (int sy = 0; sy < Sub; sy++)
                            for (int sx = 0; sx < Sub; sx++, bit++)
                                if (o.Contains(new Vector3(x + (sx + 0.5f) / Sub, y + (sy + 0.5f) / Sub, z + (sz + 0.5f) / Sub))) bits |= 1u << bit;
                    cov[y * w + x] |= bits;
                    if (o.Kind == Kind.Filament) fil[y * w + x] |= bits;
                }
        }
        return (cov, fil);
    }

    float Noise3(double x, double y, double z)
    {
        // trilinear value noise on a periodic 64³ lattice
        int ix = (int)Math.Floor(x), iy = (int)Math.Floor(y), iz = (int)Math.Floor(z);
        double fx = x - ix, fy = y - iy, fz = z - iz;
        float L(int a, int b, int c) => _noiseLattice[((a & 63) * 64 + (b & 63)) * 64 + (c & 63)];
        double v = 0;
        for (int dz = 0; dz < 2; dz++) for (int dy = 0; dy < 2; dy++) for (int dx = 0; dx < 2; dx++)
            v += L(ix + dx, iy + dy, iz + dz) * (dx == 1 ? fx : 1 - fx) * (dy == 1 ? fy : 1 - fy) * (dz == 1 ? fz : 1 - fz);
        return (float)v;
    }

    /// <summary>Ideal (blur- and noise-free) grey slice with partial volume, plus per-slice truth sums.</summary>
    float[] IdealSlice(int z, out double[] truthSums)
    {
        int w = _o.Width;
        var g = new float[w * w];
        var (cov, fil) = CoverageSlice(z, null);
        var speckMask = new uint[w * w];
        foreach (var o in _bySlice[z]) if (o.Kind == Kind.Speck) MarkSpeck(o, z, speckMask);
        // axial material of this slice
        int zi = z;
        double bgAxial; bool isSe = false, isCathode = false;
        if (zi < _o.RodSlices) bgAxial = _o.GreySteel;
        else if (zi < _o.SeFirstSlice) { bgAxial = _o.GreyCathode; isCathode = true; }
        else if (zi < _o.LiFirstSlice) { bgAxial = _o.GreySe; isSe = true; }
        else if (zi < _o.LiFirstSlice + _o.LiSlices) bgAxial = _o.GreyLi;
        else bgAxial = _o.GreySteel;
        double texScale = _o.VoxelUm / 150.0; // SE density texture correlation length ≈ 150 µm; cathode particles ≈ 40 µm
        double sumAll = 0, sumFil = 0, sumIso = 0, sumSpeck = 0; long inMask = 0;
        for (int y = 0; y < w; y++)
            for (int x = 0; x < w; x++)
            {
                // radial materials with 3×3 in-plane partial volume
                double inside = 0, wall = 0;
                for (int sy = 0; sy < Sub; sy++)
                    for (int sx = 0; sx < Sub; sx++)
                    {
                        double dx = x + (sx + 0.5) / Sub - _cx, dy = y + (sy + 0.5) / Sub - _cy, r2 = dx * dx + dy * dy;
                        if (r2 < _rb * _rb) inside++; else if (r2 < _ro * _ro) wall++;
                    }
                inside /= Sub * Sub; wall /= Sub * Sub;
                double core = bgAxial;
                if (isSe)
                {
                    double s = Noise3(x * texScale, y * texScale, z * texScale);
                    double lowDensity = Math.Clamp((s - 0.55) / 0.12, 0, 1);
                    core = _o.GreySe + (_o.GreySeLowDensity - _o.GreySe) * lowDensity;
                }
                else if (isCathode)
                {
                    double s = Noise3(x * _o.VoxelUm / 40.0 + 17, y * _o.VoxelUm / 40.0 + 5, z * _o.VoxelUm / 40.0 + 9);
                    core = _o.GreyCathode + 30 * (s - 0.5);
                }
                int i = y * w + x;
                double cAll = BitOperations.PopCount(cov[i]) / (double)SubCount;
                double cFil = BitOperations.PopCount(fil[i]) / (double)SubCount;
                double cIso = cAll - cFil;
                core = core * (1 - cAll) + _o.GreyLi * cFil + _o.GreyAir * cIso;
                g[i] = (float)(inside * core + wall * _o.GreyPeek + (1 - inside - wall) * _o.GreyAir);
                if (isSe && InMask(x, y))
                {
                    inMask++; sumAll += cAll; sumFil += cFil; sumIso += cIso;
                    sumSpeck += BitOperations.PopCount(speckMask[i]) / (double)SubCount;
                }
            }
        truthSums = [inMask, sumAll, sumFil, sumIso - sumSpeck, sumSpeck];
        return g;
    }

    void MarkSpeck(Obj o, int z, uint[] mask)
    {
        int w = _o.Width;
        int x0 = Math.Max(0, (int)Math.Floor(o.Lo.X)), x1 = Math.Min(w - 1, (int)Math.Floor(o.Hi.X));
        int y0 = Math.Max(0, (int)Math.Floor(o.Lo.Y)), y1 = Math.Min(w - 1, (int)Math.Floor(o.Hi.Y));
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
            {
                int bit = 0;
                for (int sz = 0; sz < Sub; sz++) for (int sy = 0; sy < Sub; sy++) for (int sx = 0; sx < Sub; sx++, bit++)
                    if (o.Contains(new Vector3(x + (sx + 0.5f) / Sub, y + (sy + 0.5f) / Sub, z + (sz + 0.5f) / Sub))) mask[y * w + x] |= 1u << bit;
            }
    }

    /// <summary>
    /// Generates the volume slice by slice (cathode-side rod at z = 0) and hands each finished 8-bit slice to
    /// <paramref name="sink"/> in z order. Returns the planted truth.
    /// </summary>
    public XctPhantomTruth Generate(Action<int, byte[]> sink, IProgress<ProgressReport>? progress = null, CancellationToken cancel = default)
    {
        int d = _o.Depth, w = _o.Width;
        const int block = 16;
        var truthPerSlice = new double[d][];
        int nextIdeal = 0;
        var ideal = new Dictionary<int, float[]>();
        for (int z0 = 0; z0 < d; z0 += block)
        {
            cancel.ThrowIfCancellationRequested();
            int z1 = Math.Min(d, z0 + block);
            // ideal slices z0 … z1 (one ahead for the axial blur)
            int last = Math.Min(d - 1, z1);
            var todo = Enumerable.Range(nextIdeal, Math.Max(0, last - nextIdeal + 1)).ToArray();
            var made = new float[todo.Length][];
            Parallel.For(0, todo.Length, i => { made[i] = IdealSlice(todo[i], out var t); truthPerSlice[todo[i]] = t; });
            for (int i = 0; i < todo.Length; i++) ideal[todo[i]] = made[i];
            nextIdeal = last + 1;
            var outSlices = new byte[z1 - z0][];
            Parallel.For(z0, z1, z =>
            {
                var prev = ideal.TryGetValue(z - 1, out var pz) ? pz : ideal[z];
                var next = ideal.TryGetValue(z + 1, out var nz) ? nz : ideal[z];
                outSlices[z - z0] = Finish(z, prev, ideal[z], next);
            });
            for (int z = z0; z < z1; z++) sink(z, outSlices[z - z0]);
            foreach (var k in ideal.Keys.Where(k => k < z1 - 1).ToList()) ideal.Remove(k);
            progress?.Report(new ProgressReport("synth xct", (double)z1 / d));
        }
        return Truth(truthPerSlice);
    }

    byte[] Finish(int z, float[] prev, float[] cur, float[] next)
    {
        int w = _o.Width;
        double wz = _o.AxialBlurWeight;
        var a = new float[w * w];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(wz * prev[i] + (1 - 2 * wz) * cur[i] + wz * next[i]);
        var b = GaussianBlur2D(a, w, w, _o.BlurSigmaVoxels);
        var rng = new Random(unchecked(_o.Seed * 1_000_003 + z * 7919 + 17));
        var outp = new byte[w * w];
        for (int y = 0; y < w; y++)
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                double dx = x + 0.5 - _cx, dy = y + 0.5 - _cy, r = Math.Sqrt(dx * dx + dy * dy);
                double v = b[i];
                if (r < _ro) v -= _o.CuppingDepth * (1 - r * r / (_ro * _ro));
                foreach (var (rr, amp) in _rings) v += amp * Math.Exp(-(r - rr) * (r - rr) / (2 * 0.6 * 0.6));
                // Box–Muller
                double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
                v += _o.NoiseSigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                outp[i] = (byte)Math.Clamp(Math.Round(v), 0, 255);
            }
        return outp;
    }

    static float[] GaussianBlur2D(float[] src, int w, int h, double sigma)
    {
        if (sigma <= 0) return src;
        int rad = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var k = new float[2 * rad + 1];
        double s = 0;
        for (int i = -rad; i <= rad; i++) { k[i + rad] = (float)Math.Exp(-i * i / (2 * sigma * sigma)); s += k[i + rad]; }
        for (int i = 0; i < k.Length; i++) k[i] /= (float)s;
        var tmp = new float[src.Length];
        var dst = new float[src.Length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                float acc = 0;
                for (int j = -rad; j <= rad; j++) acc += k[j + rad] * src[y * w + Math.Clamp(x + j, 0, w - 1)];
                tmp[y * w + x] = acc;
            }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                float acc = 0;
                for (int j = -rad; j <= rad; j++) acc += k[j + rad] * tmp[Math.Clamp(y + j, 0, h - 1) * w + x];
                dst[y * w + x] = acc;
            }
        return dst;
    }

    XctPhantomTruth Truth(double[][] perSlice)
    {
        int n = _o.Layers;
        var cnt = new double[n]; var all = new double[n]; var con = new double[n]; var iso = new double[n]; var spk = new double[n];
        for (int z = _o.SeFirstSlice; z < _o.LiFirstSlice; z++)
        {
            int k = LayerOf(z + 0.5);
            var t = perSlice[z];
            cnt[k] += t[0]; all[k] += t[1]; con[k] += t[2]; iso[k] += t[3]; spk[k] += t[4];
        }
        double vox = Math.Pow(_o.VoxelUm, 3);
        return new XctPhantomTruth
        {
            Depth = _o.Depth, Height = _o.Width, Width = _o.Width, VoxelUm = _o.VoxelUm,
            CentreXVoxels = _cx, CentreYVoxels = _cy, BoreRadiusVoxels = _rb, MaskRadiusVoxels = _rMask,
            CathodeInterfaceZ = _o.SeFirstSlice, AnodeInterfaceZ = _o.LiFirstSlice,
            LayerFractionAll = all.Zip(cnt, (a, c) => a / c).ToArray(),
            LayerFractionConnected = con.Zip(cnt, (a, c) => a / c).ToArray(),
            LayerFractionIsolatedLarge = iso.Zip(cnt, (a, c) => a / c).ToArray(),
            LayerFractionSpecks = spk.Zip(cnt, (a, c) => a / c).ToArray(),
            LayerTargetFraction = Enumerable.Range(0, n).Select(_o.TargetFraction).ToArray(),
            FilamentReachUm = Um(_reachVoxels),
            LongestFilamentReachUm = Um(_longestReachVoxels),
            LongestFilamentRootDiameterUm = Um(2 * _longestRootRadius),
            LongestFilamentTipDiameterUm = Um(2 * Math.Max(0.75f, Vx(_o.FilamentTipRadiusUm))),
            LongestFilamentRootXVoxels = _longestRootX, LongestFilamentRootYVoxels = _longestRootY,
            FilamentRoots = _roots, FilamentSegments = _segments, IsolatedIslands = _islands, CrackCount = _cracks, SpeckCount = _specks,
            IsolatedLargeVolumeUm3 = iso.Sum() * vox, ConnectedVolumeUm3 = con.Sum() * vox,
        };
    }
}
