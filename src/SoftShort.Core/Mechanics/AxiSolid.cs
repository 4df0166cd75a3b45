namespace SoftShort.Mechanics;

/// <summary>A prescribed displacement of one degree of freedom as a function of the step's load factor τ ∈ [0, 1].</summary>
public readonly record struct Prescribed(int Dof, Func<double, double> ValueMm);

/// <summary>A normal pressure on the element edge from node A to node B (MPa, positive pushes into the body), a function of τ.</summary>
public readonly record struct EdgePressure(int NodeA, int NodeB, Func<double, double> PressureMPa);

/// <summary>
/// A frictionless node-to-node contact pair: node <see cref="Inner"/> and node <see cref="Outer"/> at the same place on
/// either side of an interface normal to r (radial pair: bore content | tube wall) or to z (<see cref="Axial"/>: lower |
/// upper body). The gap g = g0 + u(outer) − u(inner) along the normal must stay ≥ 0, enforced by a penalty
/// (stiffness × tributary area per radian); the tangential direction slides freely. A <see cref="Bilateral"/> pair also
/// resists opening (frictionless tie).
/// </summary>
public sealed record ContactPair(int Inner, int Outer, double AreaPerRadMm2, bool Axial = false, bool Bilateral = false)
{
    public double InitialGapMm { get; set; }
    public int InnerDof => Axial ? AxiSolid.DofZ(Inner) : AxiSolid.DofR(Inner);
    public int OuterDof => Axial ? AxiSolid.DofZ(Outer) : AxiSolid.DofR(Outer);
    /// <summary>Tangential (sliding) DOFs: z for a radial pair, r for an axial one.</summary>
    public int InnerTangentDof => Axial ? AxiSolid.DofR(Inner) : AxiSolid.DofZ(Inner);
    public int OuterTangentDof => Axial ? AxiSolid.DofR(Outer) : AxiSolid.DofZ(Outer);
    /// <summary>Committed slip (tangential relative displacement outer − inner that is sliding, not elastic stick), mm.</summary>
    public double SlipMm { get; set; }
    internal double TrialSlipMm;
    /// <summary>Normal (compressive, ≥ 0) and tangential contact force on the outer node in the last evaluated state, N per radian.</summary>
    public double NormalForcePerRadN { get; internal set; }
    public double TangentialForcePerRadN { get; internal set; }
    /// <summary>True when the pair slid (Coulomb limit reached) in the last evaluated state.</summary>
    public bool Sliding { get; internal set; }
}

/// <summary>
/// Node-to-corner contact (large sliding) of node <see cref="Node"/> against the convex corner of a stiff body that occupies the
/// quadrant r ≤ r_c, z ≤ z_c below and inside its corner node <see cref="CornerNode"/> (which carries the body's motion: the body is
/// treated as translating rigidly with that node near the corner), the corner rounded with fillet radius <see cref="FilletMm"/>.
/// The gap g is the signed distance of the node from the body's surface; for g &lt; 0 a penalty force −k A g n pushes the node out
/// along the outward normal n and the opposite force acts on the corner node (frictionless). Used for Li wrapping around the edge of
/// the anode rod (updated Lagrangian: the node may slide from the top face round the fillet and down the side face).
/// </summary>
public sealed record CornerContact(int Node, int CornerNode, double AreaPerRadMm2, double FilletMm)
{
    /// <summary>Compressive normal force on the node in the last evaluated state, N per radian.</summary>
    public double NormalForcePerRadN { get; internal set; }
}

/// <summary>
/// Frictionless node-to-surface contact with large sliding (penalty): node <see cref="Node"/> stays on the left of the polyline through the
/// nodes <see cref="Surface"/> (current positions, in order; the obstacle is on the right — e.g. a tube's inner wall listed from bottom to top,
/// or a body's top face listed with increasing r). The node is projected onto the nearest segment (closest point, clamped to the segment);
/// g = (x − p)·n with n the segment's left unit normal; for g ≤ 0 (touching counts as closed) the force −k A g n pushes the node out and the opposite force is shared by the
/// segment's two nodes in the ratio of the projection (1 − ξ, ξ). The tangent is the exact derivative of these forces for the current segment,
/// by central differences of the six positions (it contains the rotation of n with the segment). Unlike <see cref="ContactPair"/> (node-to-node,
/// small sliding), the node may slide any distance along the surface.
/// </summary>
public sealed record SurfaceContact(int Node, int[] Surface, double AreaPerRadMm2)
{
    /// <summary>Compressive normal force on the node in the last evaluated state, N per radian, and the segment it was projected on (−1: open).</summary>
    public double NormalForcePerRadN { get; internal set; }
    public int Segment { get; internal set; } = -1;
    /// <summary>Signed normal gap in the last evaluated state, mm (negative = penetration).</summary>
    public double GapMm { get; internal set; }
}

/// <summary>One loading step: boundary conditions, loads and eigenstrain as functions of τ, and its duration in real time.</summary>
public sealed class LoadStep
{
    public required string Name { get; init; }
    /// <summary>Real duration, s (enters the creep law); 0 for a rate-independent step.</summary>
    public double DurationS { get; init; }
    public List<Prescribed> Prescribed { get; init; } = [];
    public List<EdgePressure> Pressures { get; init; } = [];
    /// <summary>Eigenstrain (Voigt [rr, zz, θθ, γrz]) of an element at τ, or null for none.</summary>
    public Func<int, double, double[]?>? Eigenstrain { get; init; }
    /// <summary>Initial load-factor increment.</summary>
    public double InitialIncrement { get; init; } = 0.1;
    public double MaxIncrement { get; init; } = 0.25;
    /// <summary>The step gives up when a cut-back increment falls below this (default <see cref="DefaultMinIncrement"/>).</summary>
    public double MinIncrement { get; init; } = DefaultMinIncrement;
    /// <summary>Default <see cref="MinIncrement"/>: 10⁻⁶.</summary>
    public const double DefaultMinIncrement = 1e-6;
    /// <summary>Real time at τ is DurationS · τ^TimeExponent (&gt; 1 puts small time increments at the start, for relaxation).</summary>
    public double TimeExponent { get; init; } = 1;
    /// <summary>Called after every converged increment with (τ, time since step start in s).</summary>
    public Action<double, double>? OnIncrement { get; init; }
}

/// <summary>Statistics of a run.</summary>
public sealed class SolveStats
{
    public int Increments, NewtonIterations, Cutbacks, Factorizations;
    /// <summary>ALE rezonings of the <see cref="AxiSolid.RezoneRegion"/> sub-mesh (mesh smoothing + state remap).</summary>
    public int Rezonings;
    /// <summary>Topology-changing remeshings (<see cref="AxiSolid.RemeshRegion"/>) and the largest relative volume change of the remeshed region.</summary>
    public int Remeshings;
    public double MaxRemeshVolumeChange;
    /// <summary>Worst element quality (scaled Jacobian) of the rezone region before / after the last rezoning.</summary>
    public double LastRezoneQualityBefore = double.NaN, LastRezoneQualityAfter = double.NaN;
    /// <summary>Largest relative change of the rezone region's volume in one rezoning (0 up to round-off: its boundary does not move).</summary>
    public double MaxRezoneVolumeChange;
    /// <summary>Stored entries of the last LDLᵀ factor (envelope), and wall time spent factorising / assembling, s.</summary>
    public long FactorEntries;
    public double FactorSeconds, AssemblySeconds;
}

/// <summary>
/// Small-strain axisymmetric solid solver: 4-node quadrilaterals with the B̄ (mean-dilatation) method, which does not lock
/// for nearly incompressible elastic or plastic flow (Hughes, Int. J. Numer. Meth. Eng. 15 (1980) 1413; Simo, Taylor &amp; Pister 1985);
/// 2×2 Gauss quadrature; return-mapping materials with consistent tangents; Newton–Raphson with backtracking line
/// search and automatic increment cut-back; direct sparse LDLᵀ (RCM envelope) solves. Units: mm, MPa, N, s; forces are
/// per radian (multiply by 2π for the whole ring).
/// </summary>
public sealed partial class AxiSolid
{
    public AxiMesh Mesh { get; }
    /// <summary>Material per region; a null slot makes the region inactive (not assembled).</summary>
    public Material?[] Materials { get; }
    public double[] U { get; }
    public PointState[] State { get; }
    readonly PointState[] _trial;
    readonly double[] _eigen;       // 4 per Gauss point (elements × 4 points × 4)
    public List<ContactPair> Contacts { get; } = [];
    /// <summary>Node-to-corner (large sliding) contacts, see <see cref="CornerContact"/>.</summary>
    public List<CornerContact> CornerContacts { get; } = [];
    /// <summary>Node-to-surface (large sliding) contacts, see <see cref="SurfaceContact"/>.</summary>
    public List<SurfaceContact> SurfaceContacts { get; } = [];
    /// <summary>Penalty stiffness of the contact, MPa mm⁻¹ (force per area per penetration).</summary>
    public double ContactPenaltyMPaPerMm { get; set; } = 1e5;
    /// <summary>Coulomb friction coefficient μ on the unilateral contact pairs (tangential penalty = normal penalty); 0 = frictionless (default). Set before a step.</summary>
    public double FrictionCoefficient { get; set; }
    public SolveStats Stats { get; private init; } = new();
    /// <summary>
    /// Incremental updated-Lagrangian large-deformation kinematics (see <see cref="ElementForceUpdatedLagrangian"/>); false (default)
    /// is the small-strain formulation on the reference mesh. Set before the first step.
    /// </summary>
    public bool LargeDeformation { get; set; }
    double[] _uN = [];
    public double TimeS { get; private set; }
    public double RelativeTolerance { get; set; } = 1e-7;
    public int MaxNewton { get; set; } = 25;
    /// <summary>When set, the residual norm of every Newton iteration (of every increment, in order) is appended to it.</summary>
    public List<double>? ResidualHistory { get; set; }
    /// <summary>Also log the residual norm of every Newton iteration (to <see cref="IncrementLog"/>).</summary>
    public bool ResidualLog { get; set; }
    /// <summary>
    /// Modified Newton: the factorised tangent is kept for the next iteration when the last one cut the residual below this
    /// fraction; 0 = full Newton (refactor every iteration). Default 0.1. The symbolic factorisation (RCM order, envelope,
    /// CSR pattern and assembly slots) is always reused for the whole step.
    /// </summary>
    public double TangentReuseRatio { get; set; } = 0.1;
    public IProgress<ProgressReport>? Progress { get; set; }
    /// <summary>Optional per-increment log line (step, increment, τ, Newton iterations).</summary>
    public Action<string>? IncrementLog { get; set; }

    readonly bool[] _fixed;
    SparseSymmetric? _k;
    SkylineLdlt? _ldlt;
    SkylineLu? _lu;
    /// <summary>True when the tangent is not symmetric (updated Lagrangian, or Coulomb friction): factorised by <see cref="SkylineLu"/>.</summary>
    bool Unsymmetric => LargeDeformation || FrictionCoefficient > 0 || Array.Exists(Materials, m => m is { UnsymmetricTangent: true });
    int[] _eq = [];
    int[] _slot = [];
    double[] _ke = [], _fe = [];
    /// <summary>Threads for element integration (default: all cores).</summary>
    public int MaxThreads { get; set; } = Environment.ProcessorCount;
    static readonly double G = 1 / Math.Sqrt(3);
    static readonly double[] Xi = [-G, G, G, -G], Eta = [-G, -G, G, G];

    public AxiSolid(AxiMesh mesh, int regions)
    {
        Mesh = mesh;
        Materials = new Material?[regions];
        U = new double[2 * mesh.NodeCount];
        State = new PointState[mesh.ElementCount * 4];
        _trial = new PointState[State.Length];
        _eigen = new double[State.Length * 4];
        _fixed = new bool[U.Length];
    }

    public static int DofR(int node) => 2 * node;
    public static int DofZ(int node) => 2 * node + 1;

    bool Active(int e) => Materials[Mesh.Region[e]] != null;

    /// <summary>Element birth: from now on the elements of <paramref name="region"/> measure strain from the current displacement, with zero stress.</summary>
    public void Activate(int region, Material material)
    {
        Materials[region] = material;
        Span<double> b = stackalloc double[4];
        for (int e = 0; e < Mesh.ElementCount; e++)
        {
            if (Mesh.Region[e] != region) continue;
            for (int gp = 0; gp < 4; gp++)
            {
                ref var s = ref State[e * 4 + gp];
                s = default;
                if (LargeDeformation) continue; // born stress-free in the current configuration: accumulated strain starts at 0
                StrainAt(e, gp, b);
                s.B0 = b[0]; s.B1 = b[1]; s.B2 = b[2]; s.B3 = b[3];
            }
        }
        _k = null; // pattern may change
    }

    /// <summary>
    /// Switches a small-strain model to updated-Lagrangian kinematics between steps: every active point's accumulated strain starts
    /// at its current small-strain measure (total strain − birth strain), so the stress state carries over unchanged and later
    /// increments are measured on the deformed geometry.
    /// </summary>
    public void SwitchToLargeDeformation()
    {
        if (LargeDeformation) return;
        Span<double> b = stackalloc double[4];
        for (int e = 0; e < Mesh.ElementCount; e++)
        {
            if (!Active(e)) continue;
            for (int gp = 0; gp < 4; gp++)
            {
                StrainAt(e, gp, b);
                ref var s = ref State[e * 4 + gp];
                s.E0 = b[0] - s.B0; s.E1 = b[1] - s.B1; s.E2 = b[2] - s.B2; s.E3 = b[3] - s.B3;
            }
        }
        LargeDeformation = true;
    }

    // ---------- element kinematics ----------
    /// <summary>Shape-function derivatives, radius and weight·r·detJ at Gauss point gp of element e.</summary>
    void Kinematics(int e, double xi, double eta, Span<double> n, Span<double> dndr, Span<double> dndz, out double r, out double wr)
        => Kinematics(e, xi, eta, Mesh.R, Mesh.Z, n, dndr, dndz, out r, out wr);

    void Kinematics(int e, double xi, double eta, double[] xr, double[] xz, Span<double> n, Span<double> dndr, Span<double> dndz, out double r, out double wr)
    {
        Span<double> lr = stackalloc double[4], lz = stackalloc double[4];
        Gather(e, xr, xz, lr, lz);
        Kinematics(e, xi, eta, lr, lz, n, dndr, dndz, out r, out wr);
    }

    void Gather(int e, double[] xr, double[] xz, Span<double> lr, Span<double> lz)
    {
        for (int a = 0; a < 4; a++) { int node = Mesh.Conn[4 * e + a]; lr[a] = xr[node]; lz[a] = xz[node]; }
    }

    /// <summary>Shape functions and their r/z derivatives at (ξ, η) of element e with node coordinates (<paramref name="xr"/>, <paramref name="xz"/>) (4 each).</summary>
    static void Kinematics(int e, double xi, double eta, ReadOnlySpan<double> xr, ReadOnlySpan<double> xz, Span<double> n, Span<double> dndr, Span<double> dndz, out double r, out double wr)
    {
        Span<double> dxi = stackalloc double[4], deta = stackalloc double[4];
        ReadOnlySpan<double> sx = [-1, 1, 1, -1], sy = [-1, -1, 1, 1];
        for (int a = 0; a < 4; a++)
        {
            n[a] = 0.25 * (1 + sx[a] * xi) * (1 + sy[a] * eta);
            dxi[a] = 0.25 * sx[a] * (1 + sy[a] * eta);
            deta[a] = 0.25 * sy[a] * (1 + sx[a] * xi);
        }
        double j11 = 0, j12 = 0, j21 = 0, j22 = 0; r = 0;
        for (int a = 0; a < 4; a++)
        {
            j11 += dxi[a] * xr[a]; j12 += dxi[a] * xz[a];
            j21 += deta[a] * xr[a]; j22 += deta[a] * xz[a];
            r += n[a] * xr[a];
        }
        double det = j11 * j22 - j12 * j21;
        if (!(det > 0) || !(r > 0)) throw new InvertedElementException(e, det);
        for (int a = 0; a < 4; a++)
        {
            dndr[a] = (j22 * dxi[a] - j12 * deta[a]) / det;
            dndz[a] = (-j21 * dxi[a] + j11 * deta[a]) / det;
        }
        wr = det * r; // Gauss weights are 1 for 2×2
    }

    /// <summary>B̄ matrix (4 × 8, row-major) at each of the 4 Gauss points and their weights.</summary>
    void BBar(int e, Span<double> b, Span<double> w) => BBar(e, Mesh.R, Mesh.Z, b, w, default);

    /// <summary>B̄ at the 4 Gauss points on the configuration (xr, xz); optionally the plain gradients dN/dr, dN/dz (8 per point) for the spin.</summary>
    void BBar(int e, double[] xr, double[] xz, Span<double> b, Span<double> w, Span<double> grad)
    {
        Span<double> lr = stackalloc double[4], lz = stackalloc double[4];
        Gather(e, xr, xz, lr, lz);
        BBar(e, lr, lz, b, w, grad);
    }

    /// <summary>B̄ at the 4 Gauss points of element e with local node coordinates (4 each).</summary>
    static void BBar(int e, ReadOnlySpan<double> xr, ReadOnlySpan<double> xz, Span<double> b, Span<double> w, Span<double> grad)
    {
        Span<double> n = stackalloc double[4], dr = stackalloc double[4], dz = stackalloc double[4];
        Span<double> vbar = stackalloc double[8];
        vbar.Clear();
        double vol = 0;
        for (int gp = 0; gp < 4; gp++)
        {
            Kinematics(e, Xi[gp], Eta[gp], xr, xz, n, dr, dz, out double r, out double wr);
            w[gp] = wr; vol += wr;
            if (!grad.IsEmpty) for (int a = 0; a < 4; a++) { grad[gp * 8 + a] = dr[a]; grad[gp * 8 + 4 + a] = dz[a]; }
            var bg = b.Slice(gp * 32, 32);
            bg.Clear();
            for (int a = 0; a < 4; a++)
            {
                bg[0 * 8 + 2 * a] = dr[a];
                bg[1 * 8 + 2 * a + 1] = dz[a];
                bg[2 * 8 + 2 * a] = n[a] / r;
                bg[3 * 8 + 2 * a] = dz[a];
                bg[3 * 8 + 2 * a + 1] = dr[a];
                vbar[2 * a] += (dr[a] + n[a] / r) * wr;
                vbar[2 * a + 1] += dz[a] * wr;
            }
        }
        for (int k = 0; k < 8; k++) vbar[k] /= vol;
        for (int gp = 0; gp < 4; gp++)
        {
            var bg = b.Slice(gp * 32, 32);
            for (int k = 0; k < 8; k++)
            {
                double v = bg[k] + bg[8 + k] + bg[16 + k];
                double corr = (vbar[k] - v) / 3;
                bg[k] += corr; bg[8 + k] += corr; bg[16 + k] += corr;
            }
        }
    }

    void ElementDisp(int e, Span<double> ue)
    {
        for (int a = 0; a < 4; a++) { int nd = Mesh.Conn[4 * e + a]; ue[2 * a] = U[2 * nd]; ue[2 * a + 1] = U[2 * nd + 1]; }
    }

    /// <summary>Total strain (B̄ u) at Gauss point gp of element e.</summary>
    public void StrainAt(int e, int gp, Span<double> strain)
    {
        Span<double> b = stackalloc double[128], w = stackalloc double[4], ue = stackalloc double[8];
        BBar(e, b, w);
        ElementDisp(e, ue);
        for (int i = 0; i < 4; i++) { double s = 0; for (int k = 0; k < 8; k++) s += b[gp * 32 + i * 8 + k] * ue[k]; strain[i] = s; }
    }

    /// <summary>Centroid (r, z) of element e, mm.</summary>
    public (double R, double Z) Centroid(int e)
    {
        double r = 0, z = 0;
        for (int a = 0; a < 4; a++) { int nd = Mesh.Conn[4 * e + a]; r += Mesh.R[nd]; z += Mesh.Z[nd]; }
        return (r / 4, z / 4);
    }

    /// <summary>Volume-averaged state quantity over an element (e.g. von Mises).</summary>
    public double ElementMean(int e, Func<PointState, double> f)
    {
        double s = 0;
        for (int gp = 0; gp < 4; gp++) s += f(State[e * 4 + gp]);
        return s / 4;
    }

    // ---------- assembly ----------
    void BuildSystem()
    {
        int nd = U.Length;
        _eq = new int[nd];
        // DOFs that belong to no active element are fixed (inactive regions).
        var used = new bool[nd];
        for (int e = 0; e < Mesh.ElementCount; e++)
            if (Active(e)) for (int a = 0; a < 4; a++) { int n = Mesh.Conn[4 * e + a]; used[2 * n] = used[2 * n + 1] = true; }
        int count = 0;
        for (int d = 0; d < nd; d++) _eq[d] = used[d] && !_fixed[d] ? count++ : -1;
        var edges = new List<(int, int)>();
        for (int e = 0; e < Mesh.ElementCount; e++)
        {
            if (!Active(e)) continue;
            for (int a = 0; a < 8; a++)
                for (int b = a + 1; b < 8; b++)
                {
                    int ia = _eq[2 * Mesh.Conn[4 * e + a / 2] + a % 2], ib = _eq[2 * Mesh.Conn[4 * e + b / 2] + b % 2];
                    if (ia >= 0 && ib >= 0 && ia != ib) edges.Add((ia, ib));
                }
        }
        foreach (var c in Contacts)
        {
            int ia = _eq[c.InnerDof], ib = _eq[c.OuterDof];
            if (ia >= 0 && ib >= 0) edges.Add((ia, ib));
            if (FrictionCoefficient > 0 && !c.Bilateral)
            {
                int ta = _eq[c.InnerTangentDof], tb = _eq[c.OuterTangentDof];
                if (ta >= 0 && tb >= 0) edges.Add((ta, tb));
                // sliding force depends on the normal gap: couple tangential and normal DOFs of both nodes
                foreach (int t in (ReadOnlySpan<int>)[ta, tb])
                    foreach (int nrm in (ReadOnlySpan<int>)[ia, ib])
                        if (t >= 0 && nrm >= 0 && t != nrm) edges.Add((t, nrm));
            }
        }
        foreach (var c in CornerContacts)
        {
            ReadOnlySpan<int> ds = [_eq[DofR(c.Node)], _eq[DofZ(c.Node)], _eq[DofR(c.CornerNode)], _eq[DofZ(c.CornerNode)]];
            for (int a = 0; a < 4; a++) for (int b = a + 1; b < 4; b++) if (ds[a] >= 0 && ds[b] >= 0) edges.Add((ds[a], ds[b]));
        }
        foreach (var sc in SurfaceContacts)
        {   // the node may meet any segment: couple it with every surface node
            ReadOnlySpan<int> dn = [_eq[DofR(sc.Node)], _eq[DofZ(sc.Node)]];
            foreach (int m in sc.Surface)
                foreach (int a in dn)
                    foreach (int b in (ReadOnlySpan<int>)[_eq[DofR(m)], _eq[DofZ(m)]])
                        if (a >= 0 && b >= 0 && a != b) edges.Add((a, b));
            for (int k = 0; k + 1 < sc.Surface.Length; k++)
                foreach (int a in (ReadOnlySpan<int>)[_eq[DofR(sc.Surface[k])], _eq[DofZ(sc.Surface[k])]])
                    foreach (int b in (ReadOnlySpan<int>)[_eq[DofR(sc.Surface[k + 1])], _eq[DofZ(sc.Surface[k + 1])]])
                        if (a >= 0 && b >= 0 && a != b) edges.Add((a, b));
        }
        _k = SparseSymmetric.FromEdges(count, edges);
        _ldlt = null; _lu = null;
        if (Unsymmetric) _lu = new SkylineLu(_k); else _ldlt = new SkylineLdlt(_k);
        // slot of every element-matrix entry in the CSR values (−1 for fixed DOFs), so assembly needs no search
        _slot = new int[64 * Mesh.ElementCount];
        Array.Fill(_slot, -1);
        for (int e = 0; e < Mesh.ElementCount; e++)
        {
            if (!Active(e)) continue;
            for (int k = 0; k < 8; k++)
            {
                int ik = _eq[2 * Mesh.Conn[4 * e + k / 2] + k % 2];
                if (ik < 0) continue;
                for (int l = 0; l < 8; l++)
                {
                    int il = _eq[2 * Mesh.Conn[4 * e + l / 2] + l % 2];
                    if (il >= 0) _slot[64 * e + 8 * k + l] = _k.Slot(ik, il);
                }
            }
        }
    }

    /// <summary>Free (unknown) degrees of freedom in the current system.</summary>
    public int FreeDofs { get { if (_k == null) BuildSystem(); return _k!.N; } }

    /// <summary>
    /// Internal force (+ contact) vector over all DOFs, and (when <paramref name="assemble"/>) the tangent into the sparse
    /// matrix; trial states are written to the trial array. dt is the real-time increment.
    /// </summary>
    void Assemble(double dtS, double tau, LoadStep step, double[] fint, bool assemble)
    {
        long t0a = System.Diagnostics.Stopwatch.GetTimestamp();
        AssembleCore(dtS, tau, step, fint, assemble);
        Stats.AssemblySeconds += System.Diagnostics.Stopwatch.GetElapsedTime(t0a).TotalSeconds;
    }

    /// <summary>Element internal force (and symmetrised tangent when <paramref name="assemble"/>) into the element buffers.</summary>
    void ElementForce(int e, double dtS, double tau, LoadStep step, bool assemble)
    {
        var mat = Materials[Mesh.Region[e]];
        if (mat == null) return;
        if (LargeDeformation) { ElementForceUpdatedLagrangian(e, mat, dtS, tau, step, assemble); return; }
        Span<double> b = stackalloc double[128], w = stackalloc double[4], ue = stackalloc double[8];
        Span<double> eps = stackalloc double[4], c = stackalloc double[16], cb = stackalloc double[32];
        var ke = new Span<double>(_ke, 64 * e, 64);
        var fe = new Span<double>(_fe, 8 * e, 8);
        BBar(e, b, w);
        ElementDisp(e, ue);
        double[]? eig = step.Eigenstrain?.Invoke(e, tau);
        ke.Clear(); fe.Clear();
        for (int gp = 0; gp < 4; gp++)
        {
            int ip = e * 4 + gp;
            ref readonly var st = ref State[ip];
            for (int i = 0; i < 4; i++) { double sum = 0; for (int k = 0; k < 8; k++) sum += b[gp * 32 + i * 8 + k] * ue[k]; eps[i] = sum; }
            eps[0] -= st.B0; eps[1] -= st.B1; eps[2] -= st.B2; eps[3] -= st.B3;
            if (eig != null) for (int i = 0; i < 4; i++) eps[i] -= eig[i];
            mat.Update(eps, st, dtS, ref _trial[ip], c);
            ref readonly var t = ref _trial[ip];
            AddForceAndStiffness(b.Slice(gp * 32, 32), w[gp], t, c, assemble, fe, ke, cb);
        }
        if (!assemble || mat.UnsymmetricTangent) return; // a non-symmetric material tangent is kept (and factorised by SkylineLu)
        for (int k = 0; k < 8; k++)
            for (int l = 0; l < k; l++) { double m = 0.5 * (ke[k * 8 + l] + ke[l * 8 + k]); ke[k * 8 + l] = m; ke[l * 8 + k] = m; }
    }

    /// <summary>
    /// Incremental updated-Lagrangian element (large displacement and rotation, small elastic strain; hypoelastic-plastic):
    /// the strain increment Δε = B̄(x_{n+½}) Δu on the mid-increment configuration (which integrates uniaxial stretch to
    /// the logarithmic strain exactly), the committed strain and plastic strain rotated by the Hughes–Winget incremental
    /// rotation of the in-plane spin Δω = ½(∂Δu_r/∂z − ∂Δu_z/∂r) (Hughes &amp; Winget, Int. J. Numer. Meth. Eng. 15 (1980) 1862;
    /// in axisymmetry the hoop direction does not rotate), and equilibrium ∫ B̄ᵀσ dv on the current configuration x_{n+1}
    /// (Cauchy stress, current volume).
    /// Tangent: the exact derivative of this discrete force with respect to the element displacements, by forward differences
    /// of the element force (8 extra element evaluations, step 10⁻⁹ of the element size: truncation and round-off errors both ≈ 10⁻⁶ relative). It contains everything the
    /// algorithm depends on — the material's algorithmic tangent, B̄ on the mid-point configuration and its dependence on Δu,
    /// the geometric (initial-stress) and volume-change terms on x_{n+1}, the dependence of the Hughes–Winget rotation on Δu —
    /// and is not symmetric (it is solved with <see cref="SkylineLu"/>). The earlier analytic approximation (material part and
    /// geometric stiffness both on x_{n+1}) was off by O(Δε) and made the cell's stacking step converge only linearly
    /// (docs/fe.md). A finite-difference element tangent is the device of e.g. Miehe, Comput. Methods Appl. Mech. Eng. 134 (1996) 223
    /// (numerical tangent for finite-strain material updates) applied to the whole element.
    /// </summary>
    void ElementForceUpdatedLagrangian(int e, Material mat, double dtS, double tau, LoadStep step, bool assemble)
    {
        Span<double> xr = stackalloc double[4], xz = stackalloc double[4], du = stackalloc double[8], f1 = stackalloc double[8];
        for (int a = 0; a < 4; a++)
        {
            int nd = Mesh.Conn[4 * e + a];
            xr[a] = Mesh.R[nd] + _uN[2 * nd]; xz[a] = Mesh.Z[nd] + _uN[2 * nd + 1];
            du[2 * a] = U[2 * nd] - _uN[2 * nd]; du[2 * a + 1] = U[2 * nd + 1] - _uN[2 * nd + 1];
        }
        double[]? eig = step.Eigenstrain?.Invoke(e, tau);
        var fe = new Span<double>(_fe, 8 * e, 8);
        UpdatedLagrangianForce(e, mat, dtS, eig, xr, xz, du, fe, writeTrial: true);
        if (!assemble) return;
        var ke = new Span<double>(_ke, 64 * e, 64);
        double size = 0;
        for (int a = 0; a < 4; a++)
        {
            int b = (a + 1) % 4;
            size = Math.Max(size, Math.Abs(xr[b] - xr[a]) + Math.Abs(xz[b] - xz[a]));
        }
        double h = 1e-9 * size;
        for (int l = 0; l < 8; l++)
        {
            double keep = du[l];
            du[l] = keep + h;
            UpdatedLagrangianForce(e, mat, dtS, eig, xr, xz, du, f1, writeTrial: false);
            du[l] = keep;
            for (int k = 0; k < 8; k++) ke[k * 8 + l] = (f1[k] - fe[k]) / h;
        }
    }

    /// <summary>
    /// Internal force of an updated-Lagrangian element for the increment <paramref name="du"/> from the configuration at the start of the
    /// increment (<paramref name="xr"/>, <paramref name="xz"/>); the Gauss-point trial states go to the trial array when <paramref name="writeTrial"/>.
    /// </summary>
    void UpdatedLagrangianForce(int e, Material mat, double dtS, double[]? eig, ReadOnlySpan<double> xr, ReadOnlySpan<double> xz,
        ReadOnlySpan<double> du, Span<double> fe, bool writeTrial)
    {
        Span<double> bm = stackalloc double[128], wm = stackalloc double[4], gm = stackalloc double[32];
        Span<double> b = stackalloc double[128], w = stackalloc double[4];
        Span<double> eps = stackalloc double[4], c = stackalloc double[16], de = stackalloc double[4];
        Span<double> mr = stackalloc double[4], mz = stackalloc double[4], cr = stackalloc double[4], cz = stackalloc double[4];
        for (int a = 0; a < 4; a++)
        {
            mr[a] = xr[a] + 0.5 * du[2 * a]; mz[a] = xz[a] + 0.5 * du[2 * a + 1];
            cr[a] = xr[a] + du[2 * a]; cz[a] = xz[a] + du[2 * a + 1];
        }
        BBar(e, mr, mz, bm, wm, gm);
        BBar(e, cr, cz, b, w, default);
        fe.Clear();
        for (int gp = 0; gp < 4; gp++)
        {
            int ip = e * 4 + gp;
            // incremental rotation (Hughes–Winget): Q = (I − ½W)⁻¹(I + ½W), W = [[0, ω], [−ω, 0]] in (r, z)
            double omega = 0;
            for (int a = 0; a < 4; a++) omega += 0.5 * (gm[gp * 8 + 4 + a] * du[2 * a] - gm[gp * 8 + a] * du[2 * a + 1]);
            double hh = 0.5 * omega, den = 1 + hh * hh, cs = (1 - hh * hh) / den, sn = 2 * hh / den;
            var st = State[ip];
            RotateStrain(ref st.E0, ref st.E1, ref st.E3, cs, sn);
            RotateStrain(ref st.P0, ref st.P1, ref st.P3, cs, sn);
            RotateStress(ref st.S0, ref st.S1, ref st.S3, cs, sn);
            for (int i = 0; i < 4; i++) { double sum = 0; for (int k = 0; k < 8; k++) sum += bm[gp * 32 + i * 8 + k] * du[k]; de[i] = sum; }
            double e0 = st.E0 + de[0], e1 = st.E1 + de[1], e2 = st.E2 + de[2], e3 = st.E3 + de[3];
            eps[0] = e0; eps[1] = e1; eps[2] = e2; eps[3] = e3;
            if (eig != null) for (int i = 0; i < 4; i++) eps[i] -= eig[i];
            var t = default(PointState);
            mat.Update(eps, st, dtS, ref t, c);
            t.E0 = e0; t.E1 = e1; t.E2 = e2; t.E3 = e3;
            AddForceAndStiffness(b.Slice(gp * 32, 32), w[gp], t, c, false, fe, default, default);
            if (writeTrial) _trial[ip] = t;
        }
    }

    /// <summary>Rotates an in-plane strain (engineering shear γ) by the rotation (cos, sin) in the r–z plane: ε′ = Q ε Qᵀ.</summary>
    static void RotateStrain(ref double err, ref double ezz, ref double grz, double cs, double sn)
    {
        double erz = 0.5 * grz;
        RotateStress(ref err, ref ezz, ref erz, cs, sn);
        grz = 2 * erz;
    }

    /// <summary>Rotates a symmetric in-plane tensor [[a, c], [c, b]] by Q = [[cos, sin], [−sin, cos]]: T′ = Q T Qᵀ.</summary>
    static void RotateStress(ref double a, ref double b, ref double c, double cs, double sn)
    {
        double a2 = cs * cs * a + 2 * cs * sn * c + sn * sn * b;
        double b2 = sn * sn * a - 2 * cs * sn * c + cs * cs * b;
        double c2 = -cs * sn * a + (cs * cs - sn * sn) * c + cs * sn * b;
        a = a2; b = b2; c = c2;
    }

    void AssembleCore(double dtS, double tau, LoadStep step, double[] fint, bool assemble)
    {
        Array.Clear(fint);
        if (assemble) _k!.Clear();
        int ne = Mesh.ElementCount;
        if (_ke.Length != 64 * ne) { _ke = new double[64 * ne]; _fe = new double[8 * ne]; }
        // element integration in parallel (each element writes only its own buffers and Gauss-point trial states) …
        if (ne >= 256 && Environment.ProcessorCount > 1)
        {
            var ranges = System.Collections.Concurrent.Partitioner.Create(0, ne, Math.Max(64, ne / (8 * MaxThreads)));
            try { Parallel.ForEach(ranges, new ParallelOptions { MaxDegreeOfParallelism = MaxThreads }, rg => { for (int e = rg.Item1; e < rg.Item2; e++) ElementForce(e, dtS, tau, step, assemble); }); }
            catch (AggregateException ex) when (ex.InnerException is InputException ie) { throw ie; }
        }
        else for (int e = 0; e < ne; e++) ElementForce(e, dtS, tau, step, assemble);
        // … then a serial scatter through the precomputed slots of the sparse matrix
        var val = _k!.Val;
        for (int e = 0; e < ne; e++)
        {
            if (!Active(e)) continue;
            int o = 4 * e;
            for (int a = 0; a < 4; a++) { int nd = Mesh.Conn[o + a]; fint[2 * nd] += _fe[8 * e + 2 * a]; fint[2 * nd + 1] += _fe[8 * e + 2 * a + 1]; }
            if (!assemble) continue;
            int so = 64 * e;
            for (int k = 0; k < 64; k++) { int slot = _slot[so + k]; if (slot >= 0) val[slot] += _ke[so + k]; }
        }
        foreach (var cp in Contacts)
        {
            int di = cp.InnerDof, dj = cp.OuterDof;
            double g = cp.InitialGapMm + U[dj] - U[di];
            cp.NormalForcePerRadN = 0; cp.TangentialForcePerRadN = 0; cp.Sliding = false; cp.TrialSlipMm = cp.SlipMm;
            if (g >= 0 && !cp.Bilateral) continue;
            double kk = ContactPenaltyMPaPerMm * cp.AreaPerRadMm2, force = kk * g;
            fint[dj] += force; fint[di] -= force;
            cp.NormalForcePerRadN = -force;
            if (assemble)
            {
                int ii = _eq[di], jj = _eq[dj];
                if (ii >= 0) _k!.Add(ii, ii, kk);
                if (jj >= 0) _k!.Add(jj, jj, kk);
                if (ii >= 0 && jj >= 0) { _k!.Add(ii, jj, -kk); _k!.Add(jj, ii, -kk); }
            }
            if (FrictionCoefficient > 0 && !cp.Bilateral) Friction(cp, kk, -force, assemble, fint);
        }
        foreach (var cc in CornerContacts) CornerForce(cc, assemble, fint);
        foreach (var sc in SurfaceContacts) SurfaceForce(sc, assemble, fint);
    }

    /// <summary>
    /// Penalty force and tangent of a <see cref="CornerContact"/>: with d = x − x_c (current positions) and the fillet centre
    /// c = (−ρ, −ρ), the gap is g = |d − c| − ρ with n = (d − c)/|d − c| on the fillet, g = d_r (n = e_r) beside the side face,
    /// g = d_z (n = e_z) above the top face. Π = ½ k A g² for g &lt; 0 ⇒ f_node = k A g n = −f_corner; tangent
    /// k A (n nᵀ + g ∂n/∂x) with ∂n/∂x = (I − n nᵀ)/|d − c| on the fillet (exact, symmetric).
    /// </summary>
    void CornerForce(CornerContact cc, bool assemble, double[] fint)
    {
        int nr = DofR(cc.Node), nz = DofZ(cc.Node), cr = DofR(cc.CornerNode), cz = DofZ(cc.CornerNode);
        double dr = Mesh.R[cc.Node] + U[nr] - Mesh.R[cc.CornerNode] - U[cr];
        double dz = Mesh.Z[cc.Node] + U[nz] - Mesh.Z[cc.CornerNode] - U[cz];
        double rho = cc.FilletMm, g, n0, n1, curv = 0;
        if (dr > -rho && dz > -rho)
        {
            double vr = dr + rho, vz = dz + rho, len = Math.Sqrt(vr * vr + vz * vz);
            g = len - rho; n0 = vr / len; n1 = vz / len; curv = 1 / len;
        }
        else if (dr > -rho) { g = dr; n0 = 1; n1 = 0; }
        else if (dz > -rho) { g = dz; n0 = 0; n1 = 1; }
        else if (dr > dz) { g = dr; n0 = 1; n1 = 0; }
        else { g = dz; n0 = 0; n1 = 1; }
        cc.NormalForcePerRadN = 0;
        if (g >= 0) return;
        double k = ContactPenaltyMPaPerMm * cc.AreaPerRadMm2, f = k * g;
        fint[nr] += f * n0; fint[nz] += f * n1; fint[cr] -= f * n0; fint[cz] -= f * n1;
        cc.NormalForcePerRadN = -f;
        if (!assemble) return;
        // K = k (n nᵀ + g curv (I − n nᵀ))
        double k00 = k * (n0 * n0 + g * curv * (1 - n0 * n0)), k11 = k * (n1 * n1 + g * curv * (1 - n1 * n1)), k01 = k * (n0 * n1 - g * curv * n0 * n1);
        ReadOnlySpan<int> q = [_eq[nr], _eq[nz], _eq[cr], _eq[cz]];
        Span<double> kk = [k00, k01, k01, k11];
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++)
            {
                if (q[a] < 0 || q[b] < 0) continue;
                double v = kk[(a % 2) * 2 + b % 2] * ((a < 2) == (b < 2) ? 1 : -1);
                _k!.Add(q[a], q[b], v);
            }
    }

    /// <summary>
    /// Width δ of the smoothed stick/slip transition of the friction law (fraction of the Coulomb limit μF_n; see
    /// <see cref="Friction"/>); 0 = the exact corner. Default 0.05.
    /// </summary>
    public double FrictionSmoothing { get; set; } = 0.05;

    /// <summary>
    /// Coulomb friction on a closed pair by a tangential penalty with a stick/slip return map (the 1-D analogue of rate-independent
    /// plasticity; Wriggers, "Computational Contact Mechanics", 2nd ed. 2006, §5.2 and §6.2): trial force F_tr = k_t (s − s_slip),
    /// limit L = μ F_n. The corner of the return map is rounded to C¹ over |F_tr|/L ∈ [1 − δ, 1 + δ]
    /// (δ = <see cref="FrictionSmoothing"/>): F_t = sign(F_tr) L φ(|F_tr|/L) with φ(x) = x below 1 − δ, 1 above 1 + δ and
    /// x − (x − 1 + δ)²/(4δ) between — exact stick below and exact Coulomb sliding above the band, and no jump of the tangent
    /// when a pair switches, which is what made Newton flip pairs between stick and slip without converging (a regularised
    /// Coulomb law in the sense of Wriggers §5.2.3, applied only at the transition). The slip is updated as s − F_t/k_t.
    /// Tangent (consistent, non-symmetric): ∂F_t/∂s = k_t φ′, ∂F_t/∂g = −μ k_n sign(F_tr)(φ − x φ′), including the coupling of the
    /// sliding force to the normal gap; solved with <see cref="SkylineLu"/>.
    /// </summary>
    void Friction(ContactPair cp, double kt, double normalForce, bool assemble, double[] fint)
    {
        int ti = cp.InnerTangentDof, tj = cp.OuterTangentDof;
        double s = U[tj] - U[ti];
        double ftr = kt * (s - cp.SlipMm), limit = FrictionCoefficient * normalForce;
        double x = Math.Abs(ftr) / limit, sg = Math.Sign(ftr), d = FrictionSmoothing;
        double phi, dphi;
        if (x <= 1 - d) { phi = x; dphi = 1; }
        else if (x >= 1 + d) { phi = 1; dphi = 0; }
        else { double y = x - 1 + d; phi = x - y * y / (4 * d); dphi = 1 - y / (2 * d); }
        double ft = sg * limit * phi;
        double dFds = kt * dphi, dFdL = sg * (phi - x * dphi); // ∂F/∂L; L = −μ k_n g ⇒ ∂F/∂g = −μ k_n ∂F/∂L
        if (x > 1 - d)
        {
            cp.TrialSlipMm = s - ft / kt;
            cp.Sliding = true;
        }
        cp.TangentialForcePerRadN = ft;
        fint[tj] += ft; fint[ti] -= ft;
        if (!assemble) return;
        int ii = _eq[ti], jj = _eq[tj];
        if (ii >= 0) _k!.Add(ii, ii, dFds);
        if (jj >= 0) _k!.Add(jj, jj, dFds);
        if (ii >= 0 && jj >= 0) { _k!.Add(ii, jj, -dFds); _k!.Add(jj, ii, -dFds); }
        double dFdg = -FrictionCoefficient * kt * dFdL; // tangential penalty = normal penalty (kt = k_n)
        if (dFdg == 0) return;
        int ni = _eq[cp.InnerDof], nj = _eq[cp.OuterDof];
        // rows: f[tj] += F, f[ti] −= F; columns: g = g0 + u[nj] − u[ni]
        if (jj >= 0 && nj >= 0) _k!.Add(jj, nj, dFdg);
        if (jj >= 0 && ni >= 0) _k!.Add(jj, ni, -dFdg);
        if (ii >= 0 && nj >= 0) _k!.Add(ii, nj, -dFdg);
        if (ii >= 0 && ni >= 0) _k!.Add(ii, ni, dFdg);
    }

    void ExternalForce(LoadStep step, double tau, double[] fext, double[] uConfig)
    {
        Array.Clear(fext);
        foreach (var p in step.Pressures)
        {
            double pr = p.PressureMPa(tau);
            if (pr == 0) continue;
            double ra = Mesh.R[p.NodeA], za = Mesh.Z[p.NodeA], rb = Mesh.R[p.NodeB], zb = Mesh.Z[p.NodeB];
            if (LargeDeformation)
            {   // follower pressure on the configuration at the start of the increment
                ra += uConfig[DofR(p.NodeA)]; za += uConfig[DofZ(p.NodeA)]; rb += uConfig[DofR(p.NodeB)]; zb += uConfig[DofZ(p.NodeB)];
            }
            double len = Math.Sqrt((rb - ra) * (rb - ra) + (zb - za) * (zb - za));
            // normal pointing to the right of A→B; for a CCW boundary traversal that is outward: traction = −p n
            double nr = (zb - za) / len, nz = -(rb - ra) / len;
            foreach (double s in (ReadOnlySpan<double>)[-G, G])
            {
                double na = 0.5 * (1 - s), nb = 0.5 * (1 + s);
                double r = na * ra + nb * rb, wgt = 0.5 * len * r;
                fext[DofR(p.NodeA)] -= pr * nr * na * wgt; fext[DofZ(p.NodeA)] -= pr * nz * na * wgt;
                fext[DofR(p.NodeB)] -= pr * nr * nb * wgt; fext[DofZ(p.NodeB)] -= pr * nz * nb * wgt;
            }
        }
    }

    // ---------- verification hooks (tangent checks in the tests) ----------
    /// <summary>
    /// Prepares a linearisation of <paramref name="step"/> at the current <see cref="U"/> as the start of an increment (fixed DOFs,
    /// sparse pattern): afterwards <see cref="FreeResidual"/> may be evaluated at perturbed displacements to check the tangent by
    /// finite differences. Committed states are not changed.
    /// </summary>
    internal void BeginIncrementForCheck(LoadStep step)
    {
        Array.Clear(_fixed);
        foreach (var p in step.Prescribed) _fixed[p.Dof] = true;
        _k = null;
        BuildSystem();
        _uN = (double[])U.Clone();
    }

    /// <summary>Residual f_int − f_ext over the free DOFs at the current U (and the tangent into <see cref="TangentMatrix"/> when <paramref name="assemble"/>).</summary>
    internal double[] FreeResidual(LoadStep step, double tau, double dtS, bool assemble)
    {
        var fint = new double[U.Length]; var fext = new double[U.Length]; var res = new double[_k!.N];
        ExternalForce(step, tau, fext, _uN);
        Assemble(dtS, tau, step, fint, assemble);
        ResidualFree(fint, fext, res, out _);
        return res;
    }

    /// <summary>Equation number of every DOF (−1 = fixed or inactive) in the system of the last <see cref="BeginIncrementForCheck"/> or step.</summary>
    internal int[] EquationOfDof => _eq;
    internal SparseSymmetric TangentMatrix => _k!;
    /// <summary>Trial Gauss-point states of the last evaluation.</summary>
    internal PointState[] TrialStates => _trial;

    // ---------- ALE rezoning: smoothing of a sub-mesh and remap of the Gauss-point state ----------
    /// <summary>
    /// Region whose sub-mesh is rezoned (ALE: the mesh is moved relative to the material, then the state is remapped) when its elements
    /// distort; −1 (default) = never. Updated Lagrangian only. See <see cref="Rezone"/>.
    /// </summary>
    public int RezoneRegion { get; set; } = -1;
    /// <summary>Rezone when the worst scaled Jacobian (<see cref="ElementQuality(int)"/>) of the region falls below this after a converged increment
    /// (and once before cutting back an increment in which an element inverted). Default 0.3.</summary>
    public double RezoneQualityThreshold { get; set; } = 0.3;
    /// <summary>Rings of neighbouring elements around the distorted ones (quality below <see cref="RezoneQualityThreshold"/>) whose nodes a
    /// rezoning may move; default 3.</summary>
    public int RezoneRings { get; set; } = 3;
    /// <summary>A rezoning is kept only if it raises the worst scaled Jacobian by more than this (default 0.05): a remap smears the state, so it
    /// must buy a real improvement of the mesh.</summary>
    public double RezoneMinImprovement { get; set; } = 0.05;
    /// <summary>The load increment grows by 1.5 after an increment that converged in at most this many Newton iterations (default 4).</summary>
    public int GrowthIterations { get; set; } = 4;
    /// <summary>The load increment is halved (no cut-back: the increment converged) after an increment that needed more than this many Newton
    /// iterations; default <see cref="int.MaxValue"/> = never (increments shrink only by cut-backs on non-convergence).</summary>
    public int ShrinkIterations { get; set; } = int.MaxValue;
    /// <summary>The increment (in the current step's τ) that the stepping would try next, set after every converged increment before the
    /// step's <see cref="LoadStep.OnIncrement"/> runs; NaN before the first. Lets a caller that interrupts a step (e.g. to remesh) continue
    /// with the increment size reached instead of the step's initial one.</summary>
    public double NextIncrement { get; private set; } = double.NaN;
    /// <summary>
    /// Let the region's free boundary nodes (not shared with another region, no prescribed DOF; frictionless or frictional contact nodes
    /// included) slide along the region's current boundary polyline when rezoning, to the arc-length fractions of their reference spacing
    /// between fixed anchor nodes (<see cref="SlideBoundary"/>). Default true.
    /// </summary>
    public bool RezoneBoundarySliding { get; set; } = true;
    /// <summary>Largest relative change of the region's volume a rezoning may cause (boundary sliding cuts the polyline's corners); default 2e-4.</summary>
    public double RezoneVolumeTolerance { get; set; } = 2e-4;

    /// <summary>Current position of node n (reference + displacement in updated Lagrangian; the reference in small strain).</summary>
    (double R, double Z) Position(int n, double[] u) => LargeDeformation ? (Mesh.R[n] + u[2 * n], Mesh.Z[n] + u[2 * n + 1]) : (Mesh.R[n], Mesh.Z[n]);

    /// <summary>
    /// Scaled Jacobian of element e on the current configuration: the smallest over its corners of (e_next × e_prev)/(|e_next| |e_prev|),
    /// the sine of the corner angle — 1 for a rectangle of any aspect ratio, ≤ 0 for an inverted or non-convex element (Knupp,
    /// "Achieving finite element mesh quality via optimization of the Jacobian matrix norm and associated quantities, part II",
    /// Int. J. Numer. Meth. Eng. 48 (2000) 1165).
    /// </summary>
    public double ElementQuality(int e) => ElementQuality(e, U);

    double ElementQuality(int e, double[] u)
    {
        Span<double> xr = stackalloc double[4], xz = stackalloc double[4];
        for (int a = 0; a < 4; a++) (xr[a], xz[a]) = Position(Mesh.Conn[4 * e + a], u);
        return Quality(xr, xz);
    }

    static double Quality(ReadOnlySpan<double> xr, ReadOnlySpan<double> xz)
    {
        double q = double.PositiveInfinity;
        for (int a = 0; a < 4; a++)
        {
            int nx = (a + 1) % 4, pv = (a + 3) % 4;
            double ar = xr[nx] - xr[a], az = xz[nx] - xz[a], br = xr[pv] - xr[a], bz = xz[pv] - xz[a];
            q = Math.Min(q, (ar * bz - az * br) / Math.Sqrt((ar * ar + az * az) * (br * br + bz * bz)));
        }
        return q;
    }

    /// <summary>Worst <see cref="ElementQuality(int)"/> over the elements of a region.</summary>
    public double RegionQuality(int region) => RegionQuality(region, U);

    double RegionQuality(int region, double[] u)
    {
        double q = double.PositiveInfinity;
        for (int e = 0; e < Mesh.ElementCount; e++) if (Mesh.Region[e] == region) q = Math.Min(q, ElementQuality(e, u));
        return q;
    }

    /// <summary>Current volume of a region (per radian, mm³): Σ over its elements and Gauss points of r det J.</summary>
    public double RegionVolume(int region) => RegionVolume(region, U);

    double RegionVolume(int region, double[] u)
    {
        Span<double> xr = stackalloc double[4], xz = stackalloc double[4], n = stackalloc double[4], dr = stackalloc double[4], dz = stackalloc double[4];
        double v = 0;
        for (int e = 0; e < Mesh.ElementCount; e++)
        {
            if (Mesh.Region[e] != region) continue;
            for (int a = 0; a < 4; a++) (xr[a], xz[a]) = Position(Mesh.Conn[4 * e + a], u);
            try { for (int gp = 0; gp < 4; gp++) { Kinematics(e, Xi[gp], Eta[gp], xr, xz, n, dr, dz, out _, out double wr); v += wr; } }
            catch (InvertedElementException) { return double.NaN; }
        }
        return v;
    }

    /// <summary>
    /// Volume (full ring, mm³) of the part of a region that lies at r &gt; <paramref name="radiusMm"/> in the current configuration: every
    /// element (a straight-edged quadrilateral) is clipped to the half-plane r ≥ radius and 2π ∫ r dA of the clipped polygon is summed
    /// (exact for straight edges: ∫ r dA = Σ (r_i z_{i+1} − r_{i+1} z_i)(r_i + r_{i+1})/6).
    /// </summary>
    public double RegionVolumeBeyondRadius(int region, double radiusMm)
    {
        double v = 0;
        var pr = new List<double>(8); var pz = new List<double>(8);
        for (int e = 0; e < Mesh.ElementCount; e++)
        {
            if (Mesh.Region[e] != region) continue;
            pr.Clear(); pz.Clear();
            for (int a = 0; a < 4; a++)
            {
                var (ra, za) = Position(Mesh.Conn[4 * e + a], U);
                var (rb, zb) = Position(Mesh.Conn[4 * e + (a + 1) % 4], U);
                bool ina = ra >= radiusMm, inb = rb >= radiusMm;
                if (ina) { pr.Add(ra); pz.Add(za); }
                if (ina != inb) { double t = (radiusMm - ra) / (rb - ra); pr.Add(radiusMm); pz.Add(za + t * (zb - za)); }
            }
            double m = 0;
            for (int i = 0; i < pr.Count; i++)
            {
                int j = (i + 1) % pr.Count;
                m += (pr[i] * pz[j] - pr[j] * pz[i]) * (pr[i] + pr[j]);
            }
            v += 2 * Math.PI * m / 6;
        }
        return v;
    }

    /// <summary>
    /// ALE rezoning of the sub-mesh of <see cref="RezoneRegion"/> at the current (converged) state, in two steps (the operator split of
    /// an arbitrary Lagrangian–Eulerian method into a Lagrangian step and a rezone/remap step: Belytschko, Liu &amp; Moran, "Nonlinear
    /// Finite Elements for Continua and Structures", 2000, ch. 7; Benson, Comput. Methods Appl. Mech. Eng. 72 (1989) 305, and 99 (1992) 235).
    /// (1) Mesh motion, near the distorted elements only (those below <see cref="RezoneQualityThreshold"/> and <see cref="RezoneRings"/> rings
    /// around them; the rest of the region stays Lagrangian): the nodes interior to the region (all their elements in it, not on its boundary, no prescribed DOF, in no contact)
    /// get the harmonic extension of the displacement of the region's other nodes on the reference mesh, i.e. they solve the plane
    /// bilinear-FE Laplace equation ∇²u = 0 on the reference coordinates with u fixed on the region boundary (Laplacian mesh motion: it
    /// reproduces a linear displacement field exactly, so a graded reference mesh keeps its grading under a smooth deformation);
    /// first the region's free boundary nodes slide along its current outline to their reference arc-length fractions
    /// (<see cref="SlideBoundary"/>, when <see cref="RezoneBoundarySliding"/>), then the interior follows by the harmonic extension; without
    /// sliding the outline and the volume are unchanged exactly, with sliding the volume change is checked against
    /// <see cref="RezoneVolumeTolerance"/>. If the full motion would not raise the worst scaled Jacobian by more than <see cref="RezoneMinImprovement"/> (or changes the volume too much),
    /// ½ and ¼ of it, then the motion without boundary sliding, are tried; without improvement nothing changes.
    /// (2) Remap: every Gauss point of an element whose nodes moved takes the state (stress, plastic strain, equivalent plastic strain,
    /// accumulated strain, birth strain) of the material point now there: the old element that contains it is found by inverting its
    /// bilinear map, and the state is the bilinear interpolant through that element's four Gauss-point values (exact for a uniform
    /// and for a linear field, and the identity where the mesh did not move); the equivalent plastic strain is kept ≥ 0.
    /// Returns true when the mesh was changed.
    /// </summary>
    public bool Rezone()
    {
        int reg = RezoneRegion;
        if (reg < 0) return false;
        int nn = Mesh.NodeCount, ne = Mesh.ElementCount;
        var inReg = new bool[nn]; var other = new bool[nn]; var boundary = new bool[nn];
        var edgeCount = new Dictionary<(int, int), int>();
        for (int e = 0; e < ne; e++)
            for (int a = 0; a < 4; a++)
            {
                int n0 = Mesh.Conn[4 * e + a], n1 = Mesh.Conn[4 * e + (a + 1) % 4];
                if (Mesh.Region[e] != reg) { other[n0] = true; continue; }
                inReg[n0] = true;
                var key = (Math.Min(n0, n1), Math.Max(n0, n1));
                edgeCount[key] = edgeCount.GetValueOrDefault(key) + 1;
            }
        foreach (var (key, c) in edgeCount) if (c == 1) { boundary[key.Item1] = true; boundary[key.Item2] = true; }
        var contact = new bool[nn];
        foreach (var cp in Contacts) { contact[cp.Inner] = true; contact[cp.Outer] = true; }
        foreach (var cc in CornerContacts) { contact[cc.Node] = true; contact[cc.CornerNode] = true; }
        // the mesh moves only near the distorted elements (quality below the threshold, plus RezoneRings rings of neighbours), so that the
        // remap — which smears the state a little — stays local and the well-shaped Lagrangian mesh elsewhere keeps its material points
        var active = new bool[nn];
        for (int e = 0; e < ne; e++)
            if (Mesh.Region[e] == reg && ElementQuality(e, U) < RezoneQualityThreshold) for (int a = 0; a < 4; a++) active[Mesh.Conn[4 * e + a]] = true;
        for (int ring = 0; ring < RezoneRings; ring++)
        {
            var grow = (bool[])active.Clone();
            for (int e = 0; e < ne; e++)
            {
                if (Mesh.Region[e] != reg) continue;
                bool any = false;
                for (int a = 0; a < 4; a++) any |= active[Mesh.Conn[4 * e + a]];
                if (any) for (int a = 0; a < 4; a++) grow[Mesh.Conn[4 * e + a]] = true;
            }
            active = grow;
        }
        var idx = new int[nn]; int count = 0;
        for (int n = 0; n < nn; n++)
            idx[n] = active[n] && inReg[n] && !other[n] && !boundary[n] && !contact[n] && !_fixed[2 * n] && !_fixed[2 * n + 1] ? count++ : -1;
        if (count == 0) return false;
        // (1) harmonic extension of the displacement on the reference mesh
        var edges = new List<(int, int)>();
        for (int e = 0; e < ne; e++)
        {
            if (Mesh.Region[e] != reg) continue;
            for (int a = 0; a < 4; a++) for (int b = a + 1; b < 4; b++)
                {
                    int ia = idx[Mesh.Conn[4 * e + a]], ib = idx[Mesh.Conn[4 * e + b]];
                    if (ia >= 0 && ib >= 0) edges.Add((ia, ib));
                }
        }
        var k = SparseSymmetric.FromEdges(count, edges);
        var coupling = new List<(int I, int Node, double K)>();
        Span<double> xr = stackalloc double[4], xz = stackalloc double[4], sn = stackalloc double[4], dr = stackalloc double[4], dz = stackalloc double[4];
        Span<double> ke = stackalloc double[16];
        for (int e = 0; e < ne; e++)
        {
            if (Mesh.Region[e] != reg) continue;
            Gather(e, Mesh.R, Mesh.Z, xr, xz);
            ke.Clear();
            for (int gp = 0; gp < 4; gp++)
            {
                Kinematics(e, Xi[gp], Eta[gp], xr, xz, sn, dr, dz, out double r, out double wr);
                double w = wr / r; // plane Laplacian (weight det J)
                for (int a = 0; a < 4; a++) for (int b = 0; b < 4; b++) ke[a * 4 + b] += w * (dr[a] * dr[b] + dz[a] * dz[b]);
            }
            for (int a = 0; a < 4; a++)
            {
                int ia = idx[Mesh.Conn[4 * e + a]];
                if (ia < 0) continue;
                for (int b = 0; b < 4; b++)
                {
                    int nb = Mesh.Conn[4 * e + b], ib = idx[nb];
                    if (ib >= 0) k.Add(ia, ib, ke[a * 4 + b]);
                    else coupling.Add((ia, nb, ke[a * 4 + b]));
                }
            }
        }
        var f = new SkylineLdlt(k);
        f.Factor();
        // harmonic interior displacement for the boundary displacement in ub
        double[] Harmonic(double[] ub)
        {
            var rhsR = new double[count]; var rhsZ = new double[count];
            foreach (var (i, nb, kv) in coupling) { rhsR[i] -= kv * ub[2 * nb]; rhsZ[i] -= kv * ub[2 * nb + 1]; }
            var hr = new double[count]; var hz = new double[count];
            f.Solve(rhsR, hr); f.Solve(rhsZ, hz);
            var h = (double[])ub.Clone();
            for (int n = 0; n < nn; n++) if (idx[n] >= 0) { h[2 * n] = hr[idx[n]]; h[2 * n + 1] = hz[idx[n]]; }
            return h;
        }
        double q0 = RegionQuality(reg, U), v0 = RegionVolume(reg, U);
        double[]? best = null; double qBest = q0;
        var slid = RezoneBoundarySliding ? SlideBoundary(reg, boundary, other, edgeCount, active) : null;
        foreach (var basis in slid != null ? new[] { slid, U } : [U])
        {
            var h = Harmonic(basis);
            foreach (double beta in (ReadOnlySpan<double>)[1, 0.5, 0.25])
            {
                var trial = (double[])U.Clone();
                for (int d = 0; d < trial.Length; d++) trial[d] += beta * (h[d] - U[d]);
                double q = RegionQuality(reg, trial);
                if (q > qBest + RezoneMinImprovement && AllGaussPointsValid(reg, trial) && Math.Abs(RegionVolume(reg, trial) - v0) <= RezoneVolumeTolerance * v0) { qBest = q; best = trial; break; }
            }
            if (best != null) break;
        }
        Stats.LastRezoneQualityBefore = q0; Stats.LastRezoneQualityAfter = qBest;
        if (best == null) { IncrementLog?.Invoke($"rezone region {reg}: worst quality {q0:F3}, no improving mesh motion found"); return false; }
        // frictional contact pairs keep their tangential force: the committed slip follows a moved node
        foreach (var cp in Contacts)
        {
            cp.SlipMm += (best[cp.OuterTangentDof] - U[cp.OuterTangentDof]) - (best[cp.InnerTangentDof] - U[cp.InnerTangentDof]);
            cp.TrialSlipMm = cp.SlipMm;
        }
        // (2) remap the Gauss-point state from the old to the new mesh
        var oldU = (double[])U.Clone();
        var nodeElems = new List<int>[nn];
        for (int e = 0; e < ne; e++)
            if (Mesh.Region[e] == reg) for (int a = 0; a < 4; a++) (nodeElems[Mesh.Conn[4 * e + a]] ??= []).Add(e);
        var remapped = new List<(int Ip, PointState St)>();
        Span<double> nr = stackalloc double[4];
        for (int e = 0; e < ne; e++)
        {
            if (Mesh.Region[e] != reg) continue;
            bool moved = false;
            for (int a = 0; a < 4; a++) { int n = Mesh.Conn[4 * e + a]; if (best[2 * n] != oldU[2 * n] || best[2 * n + 1] != oldU[2 * n + 1]) moved = true; }
            if (!moved) continue;
            for (int a = 0; a < 4; a++) (xr[a], xz[a]) = Position(Mesh.Conn[4 * e + a], best);
            for (int gp = 0; gp < 4; gp++)
            {
                ShapeFunctions(Xi[gp], Eta[gp], nr);
                double pr = 0, pz = 0;
                for (int a = 0; a < 4; a++) { pr += nr[a] * xr[a]; pz += nr[a] * xz[a]; }
                remapped.Add((e * 4 + gp, StateAt(e, pr, pz, oldU, nodeElems)));
            }
        }
        Array.Copy(best, U, U.Length);
        foreach (var (ip, st) in remapped) State[ip] = st;
        Stats.Rezonings++;
        double v1 = RegionVolume(reg);
        Stats.MaxRezoneVolumeChange = Math.Max(Stats.MaxRezoneVolumeChange, Math.Abs(v1 - v0) / v0);
        IncrementLog?.Invoke($"rezone region {reg}: worst quality {q0:F3} → {qBest:F3}, {count} interior nodes, {remapped.Count} Gauss points remapped, volume change {(v1 - v0) / v0:E1}");
        return true;
    }

    /// <summary>
    /// Boundary sliding for <see cref="Rezone"/>: walks the region's boundary loop; anchors are the nodes that may not slide (shared with
    /// another region, with a prescribed DOF, or at a corner of the reference outline, so that the region keeps its corners); every run of sliding nodes between two anchors is redistributed along the current
    /// polyline A → … → B so that its nodes sit at the arc-length fractions their reference positions have along the same node sequence
    /// (the reference grading along the surface is restored). A node with a <see cref="CornerContact"/> that lands inside its obstacle is
    /// projected back onto the obstacle's surface. Returns the displacement with the boundary moved, or null if the boundary is not one
    /// simple loop with at least one anchor.
    /// </summary>
    double[]? SlideBoundary(int reg, bool[] boundary, bool[] other, Dictionary<(int, int), int> edgeCount, bool[] active)
    {
        var nbr = new Dictionary<int, List<int>>();
        foreach (var (key, c) in edgeCount)
        {
            if (c != 1) continue;
            (nbr.TryGetValue(key.Item1, out var l1) ? l1 : nbr[key.Item1] = []).Add(key.Item2);
            (nbr.TryGetValue(key.Item2, out var l2) ? l2 : nbr[key.Item2] = []).Add(key.Item1);
        }
        if (nbr.Count == 0 || nbr.Values.Any(l => l.Count != 2)) return null;
        // anchors: shared with another region, a prescribed DOF, or a corner of the region's reference outline (turn > 30°)
        bool RefCorner(int n)
        {
            int a = nbr[n][0], b = nbr[n][1];
            double ar = Mesh.R[n] - Mesh.R[a], az = Mesh.Z[n] - Mesh.Z[a], br = Mesh.R[b] - Mesh.R[n], bz = Mesh.Z[b] - Mesh.Z[n];
            double cos = (ar * br + az * bz) / Math.Sqrt((ar * ar + az * az) * (br * br + bz * bz));
            return cos < Math.Cos(Math.PI / 6);
        }
        bool Anchor(int n) => !active[n] || other[n] || _fixed[2 * n] || _fixed[2 * n + 1] || RefCorner(n);
        int start = nbr.Keys.FirstOrDefault(Anchor, -1);
        if (start < 0) return null;
        var loop = new List<int> { start };
        int prev = start, cur = nbr[start][0];
        while (cur != start)
        {
            if (loop.Count > nbr.Count) return null; // more than one loop
            loop.Add(cur);
            int nx = nbr[cur][0] == prev ? nbr[cur][1] : nbr[cur][0];
            prev = cur; cur = nx;
        }
        if (loop.Count != nbr.Count) return null;
        var u = (double[])U.Clone();
        int m = loop.Count;
        for (int i0 = 0; i0 < m; i0++)
        {
            if (!Anchor(loop[i0])) continue;
            int i1 = i0 + 1;
            while (!Anchor(loop[i1 % m])) i1++;
            if (i1 - i0 < 2) continue;
            int len = i1 - i0 + 1;
            var sRef = new double[len]; var cr = new double[len]; var cz = new double[len]; var sCur = new double[len];
            for (int k = 0; k < len; k++)
            {
                int n = loop[(i0 + k) % m];
                (cr[k], cz[k]) = Position(n, U);
                if (k > 0)
                {
                    int p = loop[(i0 + k - 1) % m];
                    sRef[k] = sRef[k - 1] + Math.Sqrt(Math.Pow(Mesh.R[n] - Mesh.R[p], 2) + Math.Pow(Mesh.Z[n] - Mesh.Z[p], 2));
                    sCur[k] = sCur[k - 1] + Math.Sqrt(Math.Pow(cr[k] - cr[k - 1], 2) + Math.Pow(cz[k] - cz[k - 1], 2));
                }
            }
            int seg = 0;
            for (int k = 1; k < len - 1; k++)
            {
                double t = sRef[k] / sRef[len - 1] * sCur[len - 1];
                while (seg < len - 2 && sCur[seg + 1] < t) seg++;
                double w = sCur[seg + 1] > sCur[seg] ? (t - sCur[seg]) / (sCur[seg + 1] - sCur[seg]) : 0;
                int n = loop[(i0 + k) % m];
                u[2 * n] = cr[seg] + w * (cr[seg + 1] - cr[seg]) - Mesh.R[n];
                u[2 * n + 1] = cz[seg] + w * (cz[seg + 1] - cz[seg]) - Mesh.Z[n];
            }
            i0 = i1 - 1;
        }
        foreach (var cc in CornerContacts)
        {   // keep contact nodes out of their obstacle
            double dr = Mesh.R[cc.Node] + u[2 * cc.Node] - Mesh.R[cc.CornerNode] - u[2 * cc.CornerNode];
            double dz = Mesh.Z[cc.Node] + u[2 * cc.Node + 1] - Mesh.Z[cc.CornerNode] - u[2 * cc.CornerNode + 1];
            double rho = cc.FilletMm;
            if (dr > -rho && dz > -rho)
            {
                double vr = dr + rho, vz = dz + rho, l = Math.Sqrt(vr * vr + vz * vz);
                if (l < rho) { u[2 * cc.Node] += (rho - l) * vr / l; u[2 * cc.Node + 1] += (rho - l) * vz / l; }
            }
            else if (dr > -rho) { if (dr < 0) u[2 * cc.Node] -= dr; }
            else if (dz > -rho) { if (dz < 0) u[2 * cc.Node + 1] -= dz; }
            else if (dr > dz) u[2 * cc.Node] -= dr; else u[2 * cc.Node + 1] -= dz;
        }
        return u;
    }

    bool AllGaussPointsValid(int reg, double[] u)
    {
        Span<double> xr = stackalloc double[4], xz = stackalloc double[4], n = stackalloc double[4], dr = stackalloc double[4], dz = stackalloc double[4];
        for (int e = 0; e < Mesh.ElementCount; e++)
        {
            if (Mesh.Region[e] != reg) continue;
            for (int a = 0; a < 4; a++) (xr[a], xz[a]) = Position(Mesh.Conn[4 * e + a], u);
            try { for (int gp = 0; gp < 4; gp++) Kinematics(e, Xi[gp], Eta[gp], xr, xz, n, dr, dz, out _, out _); }
            catch (InvertedElementException) { return false; }
        }
        return true;
    }

    static void ShapeFunctions(double xi, double eta, Span<double> n)
    {
        n[0] = 0.25 * (1 - xi) * (1 - eta); n[1] = 0.25 * (1 + xi) * (1 - eta);
        n[2] = 0.25 * (1 + xi) * (1 + eta); n[3] = 0.25 * (1 - xi) * (1 + eta);
    }

    /// <summary>Natural coordinates of the point (pr, pz) in element e with node positions from <paramref name="u"/> (Newton on the bilinear map); false if it fails.</summary>
    bool Inverse(int e, double pr, double pz, double[] u, out double xi, out double eta)
    {
        Span<double> xr = stackalloc double[4], xz = stackalloc double[4], n = stackalloc double[4];
        for (int a = 0; a < 4; a++) (xr[a], xz[a]) = Position(Mesh.Conn[4 * e + a], u);
        xi = 0; eta = 0;
        ReadOnlySpan<double> sx = [-1, 1, 1, -1], sy = [-1, -1, 1, 1];
        for (int it = 0; it < 30; it++)
        {
            ShapeFunctions(xi, eta, n);
            double fr = -pr, fz = -pz, j11 = 0, j12 = 0, j21 = 0, j22 = 0;
            for (int a = 0; a < 4; a++)
            {
                fr += n[a] * xr[a]; fz += n[a] * xz[a];
                double dxi = 0.25 * sx[a] * (1 + sy[a] * eta), deta = 0.25 * sy[a] * (1 + sx[a] * xi);
                j11 += dxi * xr[a]; j21 += dxi * xz[a]; j12 += deta * xr[a]; j22 += deta * xz[a];
            }
            double det = j11 * j22 - j12 * j21;
            if (!(Math.Abs(det) > 0)) return false;
            double dXi = (j22 * fr - j12 * fz) / det, dEta = (-j21 * fr + j11 * fz) / det;
            xi -= dXi; eta -= dEta;
            if (Math.Abs(xi) > 10 || Math.Abs(eta) > 10) return false;
            if (Math.Abs(dXi) + Math.Abs(dEta) < 1e-13) return true;
        }
        return true;
    }

    /// <summary>State of the material point at (pr, pz) on the old mesh (displacements <paramref name="u"/>): bilinear interpolation through the Gauss-point values of the old element that contains it.</summary>
    PointState StateAt(int e0, double pr, double pz, double[] u, List<int>[] nodeElems)
    {
        // candidates: the element itself, its neighbours, their neighbours, then every element of the region
        var seen = new HashSet<int>();
        var ring = new List<int> { e0 };
        for (int layer = 0; layer < 3 && ring.Count > 0; layer++)
        {
            var next = new List<int>();
            foreach (int c in ring)
            {
                if (!seen.Add(c)) continue;
                if (Inverse(c, pr, pz, u, out double xi, out double eta) && Math.Abs(xi) <= 1 + 1e-9 && Math.Abs(eta) <= 1 + 1e-9)
                    return Interpolate(c, xi, eta);
                for (int a = 0; a < 4; a++) foreach (int d in nodeElems[Mesh.Conn[4 * c + a]]) if (!seen.Contains(d)) next.Add(d);
            }
            ring = next;
        }
        for (int c = 0; c < Mesh.ElementCount; c++)
            if (Mesh.Region[c] == Mesh.Region[e0] && !seen.Contains(c) && Inverse(c, pr, pz, u, out double xi, out double eta) && Math.Abs(xi) <= 1 + 1e-9 && Math.Abs(eta) <= 1 + 1e-9)
                return Interpolate(c, xi, eta);
        // not inside any old element (round-off at the boundary): nearest old Gauss point of the element
        return State[e0 * 4 + NearestGaussPoint(e0, pr, pz, u)];
    }

    int NearestGaussPoint(int e, double pr, double pz, double[] u)
    {
        Span<double> n = stackalloc double[4];
        int best = 0; double dmin = double.PositiveInfinity;
        for (int gp = 0; gp < 4; gp++)
        {
            ShapeFunctions(Xi[gp], Eta[gp], n);
            double r = 0, z = 0;
            for (int a = 0; a < 4; a++) { var (xa, za) = Position(Mesh.Conn[4 * e + a], u); r += n[a] * xa; z += n[a] * za; }
            double d = (r - pr) * (r - pr) + (z - pz) * (z - pz);
            if (d < dmin) { dmin = d; best = gp; }
        }
        return best;
    }

    /// <summary>Bilinear interpolant through the four Gauss-point states of element e at (ξ, η): weights ¼(1 + ξ/ξ_g)(1 + η/η_g).</summary>
    PointState Interpolate(int e, double xi, double eta)
    {
        var r = default(PointState);
        for (int gp = 0; gp < 4; gp++)
        {
            double w = 0.25 * (1 + xi / Xi[gp]) * (1 + eta / Eta[gp]);
            ref readonly var s = ref State[e * 4 + gp];
            r.S0 += w * s.S0; r.S1 += w * s.S1; r.S2 += w * s.S2; r.S3 += w * s.S3;
            r.P0 += w * s.P0; r.P1 += w * s.P1; r.P2 += w * s.P2; r.P3 += w * s.P3;
            r.Eqps += w * s.Eqps;
            r.B0 += w * s.B0; r.B1 += w * s.B1; r.B2 += w * s.B2; r.B3 += w * s.B3;
            r.E0 += w * s.E0; r.E1 += w * s.E1; r.E2 += w * s.E2; r.E3 += w * s.E3;
        }
        r.Eqps = Math.Max(0, r.Eqps);
        return r;
    }

    /// <summary>Last converged internal-force vector (per radian), for reactions.</summary>
    public double[] InternalForce { get; private set; } = [];

    /// <summary>Runs a step with automatic load stepping. Throws <see cref="ConvergenceException"/> if it cannot converge (state stays at the last converged increment).</summary>
    public void Run(LoadStep step)
    {
        Array.Clear(_fixed);
        foreach (var p in step.Prescribed) _fixed[p.Dof] = true;
        _k = null;
        BuildSystem();
        var fint = new double[U.Length]; var fext = new double[U.Length];
        var res = new double[_k!.N]; var du = new double[_k.N];
        var uSave = new double[U.Length]; var uIter = new double[U.Length];
        _uN = uSave;
        string inverted = "";
        double tau = 0, dtau = step.InitialIncrement;
        NextIncrement = double.NaN;
        double t0 = TimeS;
        int cuts = 0;
        double rezonedAt = double.NaN;
        while (tau < 1 - 1e-12)
        {
            dtau = Math.Min(dtau, 1 - tau);
            double tauNew = tau + dtau;
            double dt = step.DurationS * (Math.Pow(tauNew, step.TimeExponent) - Math.Pow(tau, step.TimeExponent));
            Array.Copy(U, uSave, U.Length);
            foreach (var p in step.Prescribed) U[p.Dof] = p.ValueMm(tauNew);
            ExternalForce(step, tauNew, fext, U);
            bool ok = false, invertedElement = false;
            inverted = "";
            int it = 0;
            double rnorm0 = 0;
            try
            {
                double rPrev = double.PositiveInfinity;
                bool haveForces = false, refactor = true;
                for (it = 0; it < MaxNewton; it++)
                {
                    // modified Newton: keep the factorised tangent while the residual contracts fast enough, else refresh it
                    if (refactor || !haveForces) Assemble(dt, tauNew, step, fint, assemble: refactor);
                    double rn = ResidualFree(fint, fext, res, out double refScale);
                    if (it == 0) rnorm0 = rn;
                    ResidualHistory?.Add(rn);
                    if (ResidualLog) IncrementLog?.Invoke($"    it {it}: |r| = {rn:E3} (tol {RelativeTolerance * refScale:E2}){(refactor ? " K" : "")}");
                    if (rn <= RelativeTolerance * refScale || rn < 1e-12) { ok = true; break; }
                    if (!double.IsFinite(rn)) break;
                    if (!refactor && rn > TangentReuseRatio * rPrev)
                    {
                        // too slow with the old tangent: re-assemble it at the current state and refactor
                        refactor = true;
                        Assemble(dt, tauNew, step, fint, assemble: true);
                        rn = ResidualFree(fint, fext, res, out _);
                    }
                    if (refactor)
                    {
                        long t0f = System.Diagnostics.Stopwatch.GetTimestamp();
                        if (_lu != null) _lu.Factor(); else _ldlt!.Factor();
                        Stats.Factorizations++;
                        Stats.FactorSeconds += System.Diagnostics.Stopwatch.GetElapsedTime(t0f).TotalSeconds;
                        Stats.FactorEntries = _lu?.EnvelopeSize ?? _ldlt!.EnvelopeSize;
                    }
                    if (_lu != null) _lu.Solve(res, du); else _ldlt!.Solve(res, du);
                    // backtracking line search on the residual norm (leaves fint and the trial states at the accepted point)
                    Array.Copy(U, uIter, U.Length);
                    double alpha = 1, rt = rn;
                    for (int ls = 0; ls < 4; ls++)
                    {
                        for (int d = 0; d < U.Length; d++) { int q = _eq[d]; if (q >= 0) U[d] = uIter[d] - alpha * du[q]; }
                        Assemble(dt, tauNew, step, fint, assemble: false);
                        rt = ResidualFree(fint, fext, res, out _);
                        if (rt < rn || ls == 3) break;
                        alpha *= 0.5;
                    }
                    if (ResidualLog) IncrementLog?.Invoke($"      step α = {alpha:G3}, |Δu|∞ = {MaxAbs(du) * alpha:E2} mm, closed contacts {Contacts.Count(c => c.NormalForcePerRadN > 0)}, sliding {Contacts.Count(c => c.Sliding)}");
                    haveForces = true;
                    rPrev = rn;
                    refactor = TangentReuseRatio <= 0 || rt > TangentReuseRatio * rn;
                    Stats.NewtonIterations++;
                }
            }
            catch (InvertedElementException ex) when (LargeDeformation)
            {
                ok = false; invertedElement = true;
                var (er, ez) = Centroid(ex.Element);
                inverted = $" (element {ex.Element}, region {Mesh.Region[ex.Element]}, reference centroid r = {er:F4} mm, z = {ez:F4} mm, inverts)";
            }
            catch (SingularMatrixException ex)
            {   // a singular tangent (e.g. a contact set that momentarily leaves a mechanism) is treated like a non-converged increment
                ok = false; inverted = $" ({ex.Message})";
            }
            if (!ok)
            {
                Array.Copy(uSave, U, U.Length);
                // an element inverted: first try rezoning the last converged state (once per τ), then cut back
                if (invertedElement && RezoneRegion >= 0 && LargeDeformation && rezonedAt != tau)
                {
                    rezonedAt = tau;
                    if (Rezone()) { BuildSystem(); continue; }
                }
                dtau *= 0.25; cuts++; Stats.Cutbacks++;
                if (dtau < step.MinIncrement)
                {
                    if (IncrementLog != null) LogLargestResidual(res);
                    throw new ConvergenceException($"step '{step.Name}': no convergence at τ = {tau:F4} even with increment {dtau:G2} (residual {rnorm0:G3}){inverted}; the last converged state is kept");
                }
                continue;
            }
            Array.Copy(_trial, State, State.Length);
            foreach (var cp in Contacts) cp.SlipMm = cp.TrialSlipMm;
            InternalForce = (double[])fint.Clone();
            tau = tauNew; TimeS = t0 + step.DurationS * Math.Pow(tau, step.TimeExponent);
            Stats.Increments++;
            double next = it <= GrowthIterations ? Math.Min(step.MaxIncrement, dtau * 1.5) : it > ShrinkIterations ? dtau * 0.5 : dtau;
            NextIncrement = next;
            step.OnIncrement?.Invoke(tau, TimeS - t0);
            Progress?.Report(new ProgressReport(step.Name, tau));
            IncrementLog?.Invoke($"{step.Name}: increment {Stats.Increments}, τ = {tau:F4}, t = {TimeS:G4} s, {it} Newton iterations");
            dtau = next;
            if (RezoneRegion >= 0 && LargeDeformation && RegionQuality(RezoneRegion) < RezoneQualityThreshold && Rezone())
            {
                rezonedAt = tau;
                BuildSystem(); // same pattern; fresh factorisation objects
            }
        }
    }

    /// <summary>Diagnostics of a step that cannot converge: the free DOF with the largest residual of the last evaluation, its node, the regions
    /// of the node's elements, its current position and the contacts that act on it.</summary>
    void LogLargestResidual(double[] res)
    {
        int q = 0;
        for (int k = 1; k < res.Length; k++) if (Math.Abs(res[k]) > Math.Abs(res[q])) q = k;
        int d = Array.IndexOf(_eq, q);
        if (d < 0) return;
        int n = d / 2;
        var regs = new SortedSet<int>();
        for (int e = 0; e < Mesh.ElementCount; e++) for (int a = 0; a < 4; a++) if (Mesh.Conn[4 * e + a] == n) regs.Add(Mesh.Region[e]);
        var (pr, pz) = (Mesh.R[n] + U[2 * n], Mesh.Z[n] + U[2 * n + 1]);
        int pairs = Contacts.Count(c => c.Inner == n || c.Outer == n), corner = CornerContacts.Count(c => c.Node == n || c.CornerNode == n);
        int surf = SurfaceContacts.Count(c => c.Node == n), onSurf = SurfaceContacts.Count(c => Array.IndexOf(c.Surface, n) >= 0);
        IncrementLog!.Invoke($"largest residual {res[q]:G3} at {(d % 2 == 0 ? "r" : "z")} of node {n} (regions {string.Join(",", regs)}) at ({pr:F4}, {pz:F4}) mm; " +
            $"{pairs} node-to-node, {corner} corner, {surf} surface contacts as slave, on {onSurf} contacts' surfaces");
    }

    static double MaxAbs(double[] v) { double m = 0; foreach (double x in v) m = Math.Max(m, Math.Abs(x)); return m; }

    double ResidualFree(double[] fint, double[] fext, double[] res, out double refScale)
    {
        double s = 0, rf = 0;
        for (int d = 0; d < U.Length; d++)
        {
            rf += fint[d] * fint[d] + fext[d] * fext[d];
            int q = _eq[d];
            if (q < 0) continue;
            double r = fint[d] - fext[d];
            res[q] = r; s += r * r;
        }
        refScale = Math.Max(Math.Sqrt(rf), 1e-9);
        return Math.Sqrt(s);
    }

    /// <summary>Sum of the internal (reaction) forces of a set of DOFs in the last converged state, N over the full ring (× 2π).</summary>
    public double Reaction(IEnumerable<int> dofs) => 2 * Math.PI * dofs.Sum(d => InternalForce.Length == 0 ? 0 : InternalForce[d]);
    /// <summary>
    /// One integration point's share of the element vectors: f_e += w·Bᵀσ, and when <paramref name="assemble"/>,
    /// K_e += w·BᵀCB (<paramref name="b"/> is the point's 4×8 B matrix row-major, <paramref name="cb"/> 32 doubles of scratch).
    /// </summary>
    static void AddForceAndStiffness(ReadOnlySpan<double> b, double wgt, in PointState t, ReadOnlySpan<double> c, bool assemble,
        Span<double> fe, Span<double> ke, Span<double> cb)
    {
        for (int k = 0; k < 8; k++)
            fe[k] += wgt * (b[k] * t.S0 + b[8 + k] * t.S1 + b[16 + k] * t.S2 + b[24 + k] * t.S3);
        if (!assemble) return;
        for (int i = 0; i < 4; i++)
            for (int k = 0; k < 8; k++)
            {
                double sum = 0;
                for (int j = 0; j < 4; j++) sum += c[i * 4 + j] * b[j * 8 + k];
                cb[i * 8 + k] = sum;
            }
        for (int k = 0; k < 8; k++)
            for (int l = 0; l < 8; l++)
            {
                double sum = 0;
                for (int i = 0; i < 4; i++) sum += b[i * 8 + k] * cb[i * 8 + l];
                ke[k * 8 + l] += wgt * sum;
            }
    }
}

/// <summary>An element's Jacobian is not positive (inverted or collapsed element) in the configuration being evaluated.</summary>
public sealed class InvertedElementException(int element, double detJ) : InputException("mesh", $"element {element} is inverted (det J = {detJ:G3})")
{
    public int Element { get; } = element;
}

/// <summary>The Newton iteration did not converge even after cutting the increment back.</summary>
public sealed class ConvergenceException(string message) : Exception(message);
