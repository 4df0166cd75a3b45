namespace SoftShort.Mechanics;

/// <summary>What a topology-changing remesh (<see cref="AxiSolid.RemeshRegion"/>) produced.</summary>
public sealed class RemeshResult
{
    /// <summary>The solver on the new mesh (same materials, settings, statistics object, time and contacts with renumbered nodes).</summary>
    public required AxiSolid Solver { get; init; }
    /// <summary>Old node → new node (−1: the node belonged only to the replaced elements and is gone).</summary>
    public required int[] NodeMap { get; init; }
    /// <summary>New node index of each node of the region mesh that was passed in.</summary>
    public required int[] RegionNodeMap { get; init; }
    /// <summary>Old element → new element (−1: replaced). The new region elements follow the kept ones.</summary>
    public required int[] ElementMap { get; init; }
    /// <summary>Current volume of the region (per radian, mm³) before and after.</summary>
    public double VolumeBefore { get; init; }
    public double VolumeAfter { get; init; }
    public double RelativeVolumeChange => (VolumeAfter - VolumeBefore) / VolumeBefore;
    /// <summary>Gauss points of the new elements whose state was remapped, and how many of them lay (slightly) outside the old region's
    /// discretised outline (state taken from the nearest old element, its natural coordinates clamped to the element).</summary>
    public int RemappedPoints { get; init; }
    public int OutsidePoints { get; init; }
    /// <summary>Contact pairs dropped because one of their nodes is gone (the caller re-attaches contact on the new boundary).</summary>
    public int DroppedContacts { get; init; }
    /// <summary>Worst scaled Jacobian of the region before and after.</summary>
    public double QualityBefore { get; init; }
    public double QualityAfter { get; init; }

    /// <summary>The DOF of the new solver that carries old DOF <paramref name="dof"/> (−1 if its node is gone).</summary>
    public int MapDof(int dof) { int n = NodeMap[dof / 2]; return n < 0 ? -1 : 2 * n + dof % 2; }
}

public sealed partial class AxiSolid
{
    /// <summary>
    /// Topology-changing remeshing of one region (updated Lagrangian only): its elements are replaced by a new mesh given in the CURRENT
    /// configuration (node positions <paramref name="regionR"/>, <paramref name="regionZ"/>, connectivity <paramref name="regionConn"/>
    /// counter-clockwise, local node numbers), and a new solver is returned that carries the whole state over:
    /// <list type="bullet">
    /// <item>nodes: every old node that an element outside the region (or a region node listed in <paramref name="sharedNode"/>) still uses keeps
    /// its reference coordinates and displacement (renumbered compactly, old order); old nodes used only by the replaced elements are dropped;
    /// new nodes are appended. A new node is located in the old region's current configuration (inverse bilinear map of the old element that
    /// contains it) and gets the reference coordinates of that material point (the bilinear interpolant of the old element's reference
    /// coordinates — a material label; in updated Lagrangian only the current configuration x = X + u enters the mechanics) and u = x − X, so the
    /// displacement field stays continuous and prescribed displacements keep their meaning.</item>
    /// <item>Gauss-point state: copied for the kept elements; for the new elements remapped as in <see cref="Rezone"/> — the state of the old
    /// material point at the new point's place, the bilinear interpolant through the four Gauss-point values of the old element containing it
    /// (exact for uniform and linear fields). A point outside every old element (a new boundary cutting a corner of the old outline) takes the
    /// interpolant of the nearest old element at its natural coordinates clamped to [−1, 1]² (counted in <see cref="RemeshResult.OutsidePoints"/>).</item>
    /// <item>Contacts: pairs whose nodes survive are copied with renumbered nodes (gap and slip history kept); pairs on a dropped node are
    /// dropped and counted: the caller re-attaches contact on the new boundary. <see cref="LoadStep"/> DOFs and edges are the caller's, mapped
    /// with <see cref="RemeshResult.MapDof"/>.</item>
    /// </list>
    /// The remesh is a consistent, not a conservative, transfer: the state is not re-equilibrated here; run an increment at the current load
    /// (e.g. a step with <see cref="LoadStep.DurationS"/> = 0 and constant loads) on the returned solver to restore equilibrium.
    /// The new region's volume differs from the old only where the new boundary cuts the old polyline outline (the elements have straight
    /// edges, so a new boundary through all old boundary vertices keeps the volume to round-off); <see cref="RemeshResult.RelativeVolumeChange"/>
    /// reports it. <paramref name="sharedNode"/>[k] ≥ 0 makes region node k the existing node of that index (a bonded interface: the old node's
    /// current position is used, <paramref name="regionR"/>/<paramref name="regionZ"/> at k are ignored).
    /// </summary>
    public RemeshResult RemeshRegion(int region, double[] regionR, double[] regionZ, int[] regionConn, int[] sharedNode)
    {
        if (!LargeDeformation) throw new InvalidOperationException("RemeshRegion needs updated-Lagrangian kinematics (LargeDeformation)");
        int nk = regionR.Length;
        InputException.Require(regionZ.Length == nk && sharedNode.Length == nk && regionConn.Length % 4 == 0 && regionConn.Length > 0, "remesh",
            "region mesh: coordinate, shared-node and connectivity arrays do not match");
        int nn = Mesh.NodeCount, ne = Mesh.ElementCount;
        // old nodes kept: used by an element outside the region, shared by the new region mesh, or used by no element at all
        var usedOutside = new bool[nn]; var usedInside = new bool[nn];
        for (int e = 0; e < ne; e++)
            for (int a = 0; a < 4; a++) { int n = Mesh.Conn[4 * e + a]; if (Mesh.Region[e] == region) usedInside[n] = true; else usedOutside[n] = true; }
        foreach (int sn in sharedNode)
            if (sn >= 0) { InputException.Require(sn < nn, "remesh", $"shared node {sn} does not exist"); usedOutside[sn] = true; }
        var nodeMap = new int[nn];
        int kept = 0;
        for (int n = 0; n < nn; n++) nodeMap[n] = usedOutside[n] || !usedInside[n] ? kept++ : -1;
        int fresh = 0;
        var regionNodeMap = new int[nk];
        for (int k = 0; k < nk; k++) regionNodeMap[k] = sharedNode[k] >= 0 ? nodeMap[sharedNode[k]] : kept + fresh++;
        int nn2 = kept + fresh;
        var r2 = new double[nn2]; var z2 = new double[nn2]; var u2 = new double[2 * nn2];
        for (int n = 0; n < nn; n++)
        {
            int m = nodeMap[n];
            if (m < 0) continue;
            r2[m] = Mesh.R[n]; z2[m] = Mesh.Z[n]; u2[2 * m] = U[2 * n]; u2[2 * m + 1] = U[2 * n + 1];
        }
        var locator = new RegionLocator(this, region);
        Span<double> sf = stackalloc double[4];
        Span<double> xr = stackalloc double[4], xz = stackalloc double[4], dr = stackalloc double[4], dz = stackalloc double[4];
        // new nodes: material labels pulled back through the old region
        for (int k = 0; k < nk; k++)
        {
            if (sharedNode[k] >= 0) continue;
            int m = regionNodeMap[k];
            var (e, xi, eta, inside) = locator.Locate(regionR[k], regionZ[k]);
            if (!inside) { xi = Math.Clamp(xi, -1.5, 1.5); eta = Math.Clamp(eta, -1.5, 1.5); } // extrapolate a little, never far
            ShapeFunctions(xi, eta, sf);
            double X = 0, Z = 0;
            for (int a = 0; a < 4; a++) { int n = Mesh.Conn[4 * e + a]; X += sf[a] * Mesh.R[n]; Z += sf[a] * Mesh.Z[n]; }
            r2[m] = X; z2[m] = Z; u2[2 * m] = regionR[k] - X; u2[2 * m + 1] = regionZ[k] - Z;
        }
        // elements: kept ones in the old order, then the new region elements
        int neNew = regionConn.Length / 4, neKept = 0;
        var elementMap = new int[ne];
        for (int e = 0; e < ne; e++) elementMap[e] = Mesh.Region[e] == region ? -1 : neKept++;
        var conn2 = new int[4 * (neKept + neNew)]; var reg2 = new int[neKept + neNew];
        for (int e = 0; e < ne; e++)
        {
            int f = elementMap[e];
            if (f < 0) continue;
            for (int a = 0; a < 4; a++) conn2[4 * f + a] = nodeMap[Mesh.Conn[4 * e + a]];
            reg2[f] = Mesh.Region[e];
        }
        for (int e = 0; e < neNew; e++)
        {
            for (int a = 0; a < 4; a++)
            {
                int k = regionConn[4 * e + a];
                InputException.Require(k >= 0 && k < nk, "remesh", $"region element {e} refers to node {k}, which does not exist");
                conn2[4 * (neKept + e) + a] = regionNodeMap[k];
            }
            reg2[neKept + e] = region;
        }
        var mesh2 = new AxiMesh(r2, z2, conn2, reg2, checkOrientation: false);
        var s2 = new AxiSolid(mesh2, Materials.Length)
        {
            Stats = Stats, LargeDeformation = true, TimeS = TimeS, RelativeTolerance = RelativeTolerance, MaxNewton = MaxNewton,
            ResidualHistory = ResidualHistory, ResidualLog = ResidualLog, TangentReuseRatio = TangentReuseRatio, Progress = Progress,
            IncrementLog = IncrementLog, MaxThreads = MaxThreads, ContactPenaltyMPaPerMm = ContactPenaltyMPaPerMm, FrictionCoefficient = FrictionCoefficient,
            FrictionSmoothing = FrictionSmoothing, RezoneRegion = RezoneRegion, RezoneQualityThreshold = RezoneQualityThreshold, RezoneRings = RezoneRings,
            RezoneMinImprovement = RezoneMinImprovement, GrowthIterations = GrowthIterations, ShrinkIterations = ShrinkIterations, RezoneBoundarySliding = RezoneBoundarySliding,
            RezoneVolumeTolerance = RezoneVolumeTolerance,
        };
        Array.Copy(Materials, s2.Materials, Materials.Length);
        Array.Copy(u2, s2.U, u2.Length);
        // the new region must be valid in the current configuration
        for (int e = neKept; e < neKept + neNew; e++)
        {
            for (int a = 0; a < 4; a++) (xr[a], xz[a]) = s2.Position(mesh2.Conn[4 * e + a], s2.U);
            for (int gp = 0; gp < 4; gp++) Kinematics(e, Xi[gp], Eta[gp], xr, xz, sf, dr, dz, out _, out _); // throws InvertedElementException
        }
        // Gauss-point states
        for (int e = 0; e < ne; e++)
            if (elementMap[e] >= 0) Array.Copy(State, 4 * e, s2.State, 4 * elementMap[e], 4);
        int outside = 0;
        Span<double> nsf = sf;
        for (int e = neKept; e < neKept + neNew; e++)
            for (int gp = 0; gp < 4; gp++)
            {
                ShapeFunctions(Xi[gp], Eta[gp], nsf);
                double pr = 0, pz = 0;
                for (int a = 0; a < 4; a++) { var (xa, za) = s2.Position(mesh2.Conn[4 * e + a], s2.U); pr += nsf[a] * xa; pz += nsf[a] * za; }
                var (eo, xi, eta, inside) = locator.Locate(pr, pz);
                if (!inside) { outside++; xi = Math.Clamp(xi, -1, 1); eta = Math.Clamp(eta, -1, 1); }
                s2.State[4 * e + gp] = Interpolate(eo, xi, eta);
            }
        Array.Copy(s2.State, s2._trial, s2.State.Length);
        // contacts
        int dropped = 0;
        foreach (var cp in Contacts)
        {
            int a = nodeMap[cp.Inner], b = nodeMap[cp.Outer];
            if (a < 0 || b < 0) { dropped++; continue; }
            var c2 = cp with { Inner = a, Outer = b };
            c2.InitialGapMm = cp.InitialGapMm; c2.SlipMm = cp.SlipMm; c2.TrialSlipMm = cp.SlipMm;
            s2.Contacts.Add(c2);
        }
        foreach (var cc in CornerContacts)
        {
            int a = nodeMap[cc.Node], b = nodeMap[cc.CornerNode];
            if (a < 0 || b < 0) { dropped++; continue; }
            s2.CornerContacts.Add(cc with { Node = a, CornerNode = b });
        }
        foreach (var sc in SurfaceContacts)
        {
            int a = nodeMap[sc.Node];
            var surf = sc.Surface.Select(m => nodeMap[m]).ToArray();
            if (a < 0 || Array.IndexOf(surf, -1) >= 0) { dropped++; continue; }
            s2.SurfaceContacts.Add(sc with { Node = a, Surface = surf });
        }
        // reactions of the last converged state on the kept DOFs (new region DOFs: recomputed by the next converged increment)
        if (InternalForce.Length == U.Length)
        {
            var f2 = new double[s2.U.Length];
            for (int n = 0; n < nn; n++) if (nodeMap[n] >= 0 && !usedInside[n]) { f2[2 * nodeMap[n]] = InternalForce[2 * n]; f2[2 * nodeMap[n] + 1] = InternalForce[2 * n + 1]; }
            s2.InternalForce = f2;
        }
        double v0 = RegionVolume(region), v1 = s2.RegionVolume(region);
        Stats.Remeshings++;
        Stats.MaxRemeshVolumeChange = Math.Max(Stats.MaxRemeshVolumeChange, Math.Abs(v1 - v0) / v0);
        var res = new RemeshResult
        {
            Solver = s2, NodeMap = nodeMap, RegionNodeMap = regionNodeMap, ElementMap = elementMap, VolumeBefore = v0, VolumeAfter = v1,
            RemappedPoints = 4 * neNew, OutsidePoints = outside, DroppedContacts = dropped, QualityBefore = RegionQuality(region), QualityAfter = s2.RegionQuality(region),
        };
        IncrementLog?.Invoke($"remesh region {region}: {Mesh.ElementCount - neKept} → {neNew} elements, worst quality {res.QualityBefore:F3} → {res.QualityAfter:F3}, " +
            $"volume change {res.RelativeVolumeChange:E2}, {outside} of {4 * neNew} Gauss points outside the old outline, {dropped} contacts dropped");
        return res;
    }

    /// <summary>
    /// Ordered boundary loop of a region in the current configuration: node indices counter-clockwise (the region on the left), starting at
    /// the node nearest to (<paramref name="startR"/>, <paramref name="startZ"/>). Throws if the boundary is not one simple loop.
    /// </summary>
    public int[] RegionBoundaryLoop(int region, double startR, double startZ)
    {
        var next = new Dictionary<int, int>();
        var count = new Dictionary<(int, int), int>();
        for (int e = 0; e < Mesh.ElementCount; e++)
        {
            if (Mesh.Region[e] != region) continue;
            for (int a = 0; a < 4; a++)
            {
                int i = Mesh.Conn[4 * e + a], j = Mesh.Conn[4 * e + (a + 1) % 4];
                var key = i < j ? (i, j) : (j, i);
                count[key] = count.GetValueOrDefault(key) + 1;
            }
        }
        for (int e = 0; e < Mesh.ElementCount; e++)
        {
            if (Mesh.Region[e] != region) continue;
            for (int a = 0; a < 4; a++)
            {
                int i = Mesh.Conn[4 * e + a], j = Mesh.Conn[4 * e + (a + 1) % 4];
                if (count[i < j ? (i, j) : (j, i)] != 1) continue;
                InputException.Require(next.TryAdd(i, j), "remesh", $"region {region}: boundary is not a simple loop at node {i}");
            }
        }
        InputException.Require(next.Count > 0, "remesh", $"region {region} has no elements");
        int start = next.Keys.MinBy(n => { var (r, z) = Position(n, U); return (r - startR) * (r - startR) + (z - startZ) * (z - startZ); });
        var loop = new List<int> { start };
        for (int c = next[start]; c != start; c = next[c])
        {
            InputException.Require(loop.Count < next.Count, "remesh", $"region {region}: boundary is more than one loop");
            loop.Add(c);
        }
        InputException.Require(loop.Count == next.Count, "remesh", $"region {region}: boundary is more than one loop");
        return [.. loop];
    }

    /// <summary>Current position of a node (reference + displacement in updated Lagrangian).</summary>
    public (double R, double Z) CurrentPosition(int node) => Position(node, U);

    /// <summary>Finds the element of a region (current configuration of its solver) that contains a point: bounding-box buckets, then the
    /// inverse bilinear map; for a point outside every element, the element whose natural coordinates exceed [−1, 1]² least.</summary>
    sealed class RegionLocator
    {
        readonly AxiSolid _s;
        readonly int[] _elems;
        readonly double[] _box; // rmin, rmax, zmin, zmax per element
        readonly double _r0, _z0, _dr, _dz;
        readonly int _nb;
        readonly List<int>[] _bucket;

        public RegionLocator(AxiSolid s, int region)
        {
            _s = s;
            _elems = [.. Enumerable.Range(0, s.Mesh.ElementCount).Where(e => s.Mesh.Region[e] == region)];
            InputException.Require(_elems.Length > 0, "remesh", $"region {region} has no elements");
            _box = new double[4 * _elems.Length];
            double r0 = double.MaxValue, r1 = double.MinValue, z0 = double.MaxValue, z1 = double.MinValue;
            for (int k = 0; k < _elems.Length; k++)
            {
                double a = double.MaxValue, b = double.MinValue, c = double.MaxValue, d = double.MinValue;
                for (int q = 0; q < 4; q++)
                {
                    var (x, y) = s.Position(s.Mesh.Conn[4 * _elems[k] + q], s.U);
                    a = Math.Min(a, x); b = Math.Max(b, x); c = Math.Min(c, y); d = Math.Max(d, y);
                }
                _box[4 * k] = a; _box[4 * k + 1] = b; _box[4 * k + 2] = c; _box[4 * k + 3] = d;
                r0 = Math.Min(r0, a); r1 = Math.Max(r1, b); z0 = Math.Min(z0, c); z1 = Math.Max(z1, d);
            }
            _nb = Math.Max(1, (int)Math.Sqrt(_elems.Length));
            _r0 = r0; _z0 = z0; _dr = Math.Max(r1 - r0, 1e-12) / _nb; _dz = Math.Max(z1 - z0, 1e-12) / _nb;
            _bucket = new List<int>[_nb * _nb];
            for (int k = 0; k < _elems.Length; k++)
                for (int j = Cell(_box[4 * k + 2], _z0, _dz); j <= Cell(_box[4 * k + 3], _z0, _dz); j++)
                    for (int i = Cell(_box[4 * k], _r0, _dr); i <= Cell(_box[4 * k + 1], _r0, _dr); i++)
                        (_bucket[j * _nb + i] ??= []).Add(k);
        }

        int Cell(double x, double x0, double dx) => Math.Clamp((int)Math.Floor((x - x0) / dx), 0, _nb - 1);

        public (int Element, double Xi, double Eta, bool Inside) Locate(double pr, double pz)
        {
            const double tol = 1e-9;
            var bucket = _bucket[Cell(pz, _z0, _dz) * _nb + Cell(pr, _r0, _dr)];
            if (bucket != null)
                foreach (int k in bucket)
                {
                    double slack = 1e-9 * (_box[4 * k + 1] - _box[4 * k] + _box[4 * k + 3] - _box[4 * k + 2]);
                    if (pr < _box[4 * k] - slack || pr > _box[4 * k + 1] + slack || pz < _box[4 * k + 2] - slack || pz > _box[4 * k + 3] + slack) continue;
                    if (_s.Inverse(_elems[k], pr, pz, _s.U, out double xi, out double eta) && Math.Abs(xi) <= 1 + tol && Math.Abs(eta) <= 1 + tol)
                        return (_elems[k], xi, eta, true);
                }
            // outside the discretised outline: the element with the smallest excess of its natural coordinates, among the 8 nearest boxes
            var near = Enumerable.Range(0, _elems.Length)
                .Select(k => (k, d: BoxDistance(k, pr, pz))).OrderBy(t => t.d).Take(8);
            int best = -1; double bx = 0, by = 0, excess = double.PositiveInfinity;
            foreach (var (k, _) in near)
            {
                if (!_s.Inverse(_elems[k], pr, pz, _s.U, out double xi, out double eta)) continue;
                double ex = Math.Max(Math.Abs(xi), Math.Abs(eta)) - 1;
                if (ex <= tol) return (_elems[k], xi, eta, true);
                if (ex < excess) { excess = ex; best = _elems[k]; bx = xi; by = eta; }
            }
            if (best < 0) best = _elems[near.First().k]; // no inverse converged: the nearest element's centre
            return (best, bx, by, false);
        }

        double BoxDistance(int k, double pr, double pz)
        {
            double dr = Math.Max(0, Math.Max(_box[4 * k] - pr, pr - _box[4 * k + 1])), dz = Math.Max(0, Math.Max(_box[4 * k + 2] - pz, pz - _box[4 * k + 3]));
            return dr * dr + dz * dz;
        }
    }
}
