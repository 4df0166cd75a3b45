namespace SoftShort.Mechanics;

/// <summary>
/// An axisymmetric mesh of 4-node quadrilaterals in the r–z half-plane (r ≥ 0 is the distance from the axis, mm;
/// z along the axis, mm). Element nodes are counter-clockwise in (r, z); each element carries a region id
/// (the material slot).
/// </summary>
public sealed class AxiMesh
{
    public double[] R { get; }
    public double[] Z { get; }
    /// <summary>Connectivity, 4 node indices per element.</summary>
    public int[] Conn { get; }
    public int[] Region { get; }
    public int NodeCount => R.Length;
    public int ElementCount => Region.Length;

    public AxiMesh(double[] r, double[] z, int[] conn, int[] region) : this(r, z, conn, region, checkOrientation: true) { }

    /// <summary>Without the orientation check: the reference coordinates of a remeshed updated-Lagrangian mesh are material labels pulled back
    /// through the old mesh (<see cref="AxiSolid.RemeshRegion"/>) and need not form a valid mesh themselves; the current configuration is checked.</summary>
    internal AxiMesh(double[] r, double[] z, int[] conn, int[] region, bool checkOrientation)
    {
        InputException.Require(r.Length == z.Length, "mesh", "r and z coordinate arrays differ in length");
        InputException.Require(conn.Length == 4 * region.Length, "mesh", "connectivity must hold 4 nodes per element");
        R = r; Z = z; Conn = conn; Region = region;
        for (int e = 0; e < region.Length; e++)
        {
            double area = 0;
            for (int a = 0; a < 4; a++)
            {
                int i = conn[4 * e + a], j = conn[4 * e + (a + 1) % 4];
                InputException.Require(i >= 0 && i < r.Length && j >= 0 && j < r.Length, "mesh", $"element {e} refers to a node that does not exist");
                area += r[i] * z[j] - r[j] * z[i];
            }
            InputException.Require(!checkOrientation || area > 0, "mesh", $"element {e} is inverted or degenerate (signed area {area / 2:G3} mm²)");
        }
    }

    /// <summary>
    /// A structured block: nodes at every (rs[i], zs[j]); element (i, j) gets region <paramref name="regionOf"/>(i, j)
    /// (a negative region drops the element). Returns the mesh and the node index grid [j, i].
    /// </summary>
    public static (AxiMesh Mesh, int[,] NodeAt) Block(double[] rs, double[] zs, Func<int, int, int> regionOf)
    {
        int nr = rs.Length, nz = zs.Length;
        var r = new double[nr * nz]; var z = new double[nr * nz];
        var at = new int[nz, nr];
        for (int j = 0; j < nz; j++)
            for (int i = 0; i < nr; i++) { int n = j * nr + i; r[n] = rs[i]; z[n] = zs[j]; at[j, i] = n; }
        var conn = new List<int>(); var reg = new List<int>();
        for (int j = 0; j + 1 < nz; j++)
            for (int i = 0; i + 1 < nr; i++)
            {
                int g = regionOf(i, j);
                if (g < 0) continue;
                conn.AddRange([at[j, i], at[j, i + 1], at[j + 1, i + 1], at[j + 1, i]]);
                reg.Add(g);
            }
        return (new AxiMesh(r, z, [.. conn], [.. reg]), at);
    }

    /// <summary>Concatenates meshes (no node merging); returns the node offset of each part.</summary>
    public static (AxiMesh Mesh, int[] NodeOffset) Concat(params AxiMesh[] parts)
    {
        var r = new List<double>(); var z = new List<double>(); var conn = new List<int>(); var reg = new List<int>();
        var off = new int[parts.Length];
        for (int p = 0; p < parts.Length; p++)
        {
            off[p] = r.Count;
            r.AddRange(parts[p].R); z.AddRange(parts[p].Z);
            foreach (int c in parts[p].Conn) conn.Add(c + off[p]);
            reg.AddRange(parts[p].Region);
        }
        return (new AxiMesh([.. r], [.. z], [.. conn], [.. reg]), off);
    }

    /// <summary>
    /// Graded coordinates from <paramref name="a"/> to <paramref name="b"/> with <paramref name="n"/> intervals; sizes grow
    /// geometrically by <paramref name="ratio"/> from a (ratio &lt; 1 grades towards b).
    /// </summary>
    public static double[] Graded(double a, double b, int n, double ratio = 1)
    {
        InputException.Require(n >= 1, "mesh", $"need at least one interval, got {n}");
        var x = new double[n + 1];
        double sum = 0, h = 1;
        for (int i = 0; i < n; i++) { sum += h; h *= ratio; }
        h = (b - a) / sum; x[0] = a;
        for (int i = 0; i < n; i++) { x[i + 1] = x[i] + h; h *= ratio; }
        x[n] = b;
        return x;
    }

    /// <summary>
    /// Geometrically graded coordinates from <paramref name="a"/> to <paramref name="b"/> whose first interval is ≈
    /// <paramref name="sizeA"/> and last ≈ <paramref name="sizeB"/> (mm): the number of intervals follows from the
    /// geometric series, so refining both sizes by 2 doubles the count everywhere (a proper refinement of a graded mesh).
    /// </summary>
    public static double[] GradedBySize(double a, double b, double sizeA, double sizeB)
    {
        double len = Math.Abs(b - a);
        InputException.Require(len > 0 && sizeA > 0 && sizeB > 0, "mesh", $"graded segment needs positive length and sizes, got {len}, {sizeA}, {sizeB}");
        sizeA = Math.Min(sizeA, len); sizeB = Math.Min(sizeB, len);
        if (Math.Abs(sizeA - sizeB) < 1e-9 * len) return Graded(a, b, Math.Max(1, (int)Math.Round(len / sizeA)));
        // sum of a geometric series from sizeA to sizeB with ratio q: len = (sizeB q − sizeA)/(q − 1)
        double q = (len - sizeA) / (len - sizeB);
        int n = q > 0 && q != 1 ? Math.Max(1, (int)Math.Round(1 + Math.Log(sizeB / sizeA) / Math.Log(q))) : Math.Max(1, (int)Math.Round(2 * len / (sizeA + sizeB)));
        double ratio = n > 1 ? Math.Pow(sizeB / sizeA, 1.0 / (n - 1)) : 1;
        return Graded(a, b, n, ratio);
    }

    /// <summary>
    /// A copy of the mesh in which the elements selected by <paramref name="detach"/> refer to a new node (appended, at the place of
    /// <paramref name="node"/>) instead of <paramref name="node"/>: the two sides of the node are no longer bonded. Returns the mesh and
    /// the new node's index; all other node and element numbers are unchanged.
    /// </summary>
    public static (AxiMesh Mesh, int NewNode) DetachNode(AxiMesh mesh, int node, Func<int, bool> detach)
    {
        int nn = mesh.NodeCount;
        var r = new double[nn + 1]; var z = new double[nn + 1];
        Array.Copy(mesh.R, r, nn); Array.Copy(mesh.Z, z, nn);
        r[nn] = mesh.R[node]; z[nn] = mesh.Z[node];
        var conn = (int[])mesh.Conn.Clone();
        for (int e = 0; e < mesh.ElementCount; e++)
            if (detach(e)) for (int a = 0; a < 4; a++) if (conn[4 * e + a] == node) conn[4 * e + a] = nn;
        return (new AxiMesh(r, z, conn, (int[])mesh.Region.Clone()), nn);
    }

    /// <summary>
    /// A structured block of (nI + 1) × (nJ + 1) nodes from its four boundary polylines by discrete transfinite (Coons) interpolation
    /// (Gordon &amp; Hall, "Construction of curvilinear co-ordinate systems and applications to mesh generation", Int. J. Numer. Meth. Eng. 7
    /// (1973) 461): <paramref name="bottom"/> and <paramref name="top"/> run from the left to the right corner (nI + 1 points),
    /// <paramref name="left"/> and <paramref name="right"/> from the bottom to the top corner (nJ + 1 points); corners must coincide. The
    /// blending parameters ξ_i, η_j are the normalised arc-length fractions of the nodes along the two opposite sides (averaged), so a
    /// block whose four sides are straight and whose nodes are spaced like an affine image of a tensor-product (graded) grid is reproduced
    /// exactly (TFI is exact for every bilinear function of ξ, η). Then <paramref name="smoothingSweeps"/> Gauss–Seidel sweeps of the discrete
    /// Laplace equation in the same (non-uniform) parameters move the interior nodes (boundary fixed): it leaves such an affine grid
    /// unchanged and smooths the kinks TFI copies from a curved boundary into the interior. Nodes are numbered j·(nI + 1) + i; the elements
    /// (nI × nJ, counter-clockwise when the boundary runs counter-clockwise: bottom left→right, right bottom→top) all get <paramref name="region"/>.
    /// </summary>
    public static AxiMesh Transfinite((double R, double Z)[] bottom, (double R, double Z)[] right, (double R, double Z)[] top, (double R, double Z)[] left,
        int region, int smoothingSweeps = 0)
    {
        int ni = bottom.Length - 1, nj = left.Length - 1;
        InputException.Require(ni >= 1 && nj >= 1 && top.Length == ni + 1 && right.Length == nj + 1, "mesh",
            $"transfinite block needs opposite sides with equal point counts, got bottom {bottom.Length}, top {top.Length}, left {left.Length}, right {right.Length}");
        static bool Same((double R, double Z) a, (double R, double Z) b, double tol) => Math.Abs(a.R - b.R) <= tol && Math.Abs(a.Z - b.Z) <= tol;
        double scale = 0;
        foreach (var p in bottom.Concat(top).Concat(left).Concat(right)) scale = Math.Max(scale, Math.Max(Math.Abs(p.R), Math.Abs(p.Z)));
        double tol = 1e-9 * Math.Max(scale, 1e-12);
        InputException.Require(Same(bottom[0], left[0], tol) && Same(bottom[ni], right[0], tol) && Same(top[0], left[nj], tol) && Same(top[ni], right[nj], tol),
            "mesh", "transfinite block: the four sides do not meet at common corners");
        static double[] Fractions((double R, double Z)[] c)
        {
            var s = ArcLengths(c);
            InputException.Require(s[^1] > 0, "mesh", "transfinite block: a side has zero length");
            for (int k = 0; k < c.Length; k++) s[k] /= s[^1];
            return s;
        }
        double[] fb = Fractions(bottom), ft = Fractions(top), fl = Fractions(left), fr = Fractions(right);
        var xi = new double[ni + 1]; var eta = new double[nj + 1];
        for (int i = 0; i <= ni; i++) xi[i] = 0.5 * (fb[i] + ft[i]);
        for (int j = 0; j <= nj; j++) eta[j] = 0.5 * (fl[j] + fr[j]);
        int nn = (ni + 1) * (nj + 1);
        var r = new double[nn]; var z = new double[nn];
        var p00 = bottom[0]; var p10 = bottom[ni]; var p01 = top[0]; var p11 = top[ni];
        for (int j = 0; j <= nj; j++)
            for (int i = 0; i <= ni; i++)
            {
                double u = xi[i], v = eta[j];
                int n = j * (ni + 1) + i;
                if (j == 0) { (r[n], z[n]) = bottom[i]; continue; }
                if (j == nj) { (r[n], z[n]) = top[i]; continue; }
                if (i == 0) { (r[n], z[n]) = left[j]; continue; }
                if (i == ni) { (r[n], z[n]) = right[j]; continue; }
                r[n] = (1 - v) * bottom[i].R + v * top[i].R + (1 - u) * left[j].R + u * right[j].R
                     - ((1 - u) * (1 - v) * p00.R + u * (1 - v) * p10.R + (1 - u) * v * p01.R + u * v * p11.R);
                z[n] = (1 - v) * bottom[i].Z + v * top[i].Z + (1 - u) * left[j].Z + u * right[j].Z
                     - ((1 - u) * (1 - v) * p00.Z + u * (1 - v) * p10.Z + (1 - u) * v * p01.Z + u * v * p11.Z);
            }
        // Laplace in the non-uniform parameters (ξ, η): second differences with the parametric spacings, exact for bilinear fields
        for (int sweep = 0; sweep < smoothingSweeps; sweep++)
            for (int j = 1; j < nj; j++)
                for (int i = 1; i < ni; i++)
                {
                    double hw = xi[i] - xi[i - 1], he = xi[i + 1] - xi[i], hs = eta[j] - eta[j - 1], hn = eta[j + 1] - eta[j];
                    double ww = 1 / (hw * (hw + he)), we = 1 / (he * (hw + he)), ws = 1 / (hs * (hs + hn)), wn = 1 / (hn * (hs + hn));
                    int n = j * (ni + 1) + i;
                    double sum = ww + we + ws + wn;
                    r[n] = (ww * r[n - 1] + we * r[n + 1] + ws * r[n - ni - 1] + wn * r[n + ni + 1]) / sum;
                    z[n] = (ww * z[n - 1] + we * z[n + 1] + ws * z[n - ni - 1] + wn * z[n + ni + 1]) / sum;
                }
        var conn = new int[4 * ni * nj]; var reg = new int[ni * nj];
        for (int j = 0, e = 0; j < nj; j++)
            for (int i = 0; i < ni; i++, e++)
            {
                int n = j * (ni + 1) + i;
                conn[4 * e] = n; conn[4 * e + 1] = n + 1; conn[4 * e + 2] = n + ni + 2; conn[4 * e + 3] = n + ni + 1;
                reg[e] = region;
            }
        return new AxiMesh(r, z, conn, reg);
    }

    /// <summary>
    /// Points along a polyline at the given fractions (0…1, ascending) of its arc length: piecewise-linear interpolation, so the points lie on
    /// the polyline exactly (a remeshed boundary keeps the old outline between its vertices).
    /// </summary>
    public static (double R, double Z)[] Resample((double R, double Z)[] polyline, IReadOnlyList<double> fractions)
    {
        InputException.Require(polyline.Length >= 2, "mesh", "a polyline needs at least two points");
        var s = ArcLengths(polyline);
        var pts = new (double R, double Z)[fractions.Count];
        int seg = 0;
        for (int k = 0; k < fractions.Count; k++)
        {
            double t = Math.Clamp(fractions[k], 0, 1) * s[^1];
            while (seg < polyline.Length - 2 && s[seg + 1] < t) seg++;
            double w = s[seg + 1] > s[seg] ? Math.Clamp((t - s[seg]) / (s[seg + 1] - s[seg]), 0, 1) : 0;
            pts[k] = (polyline[seg].R + w * (polyline[seg + 1].R - polyline[seg].R), polyline[seg].Z + w * (polyline[seg + 1].Z - polyline[seg].Z));
        }
        if (fractions[0] <= 0) pts[0] = polyline[0];
        if (fractions[^1] >= 1) pts[^1] = polyline[^1];
        return pts;
    }

    /// <summary>Cumulative arc length of a polyline at each of its points (0 at the first), mm.</summary>
    public static double[] ArcLengths(IReadOnlyList<(double R, double Z)> polyline)
    {
        var s = new double[polyline.Count];
        for (int k = 1; k < s.Length; k++)
        {
            double dr = polyline[k].R - polyline[k - 1].R, dz = polyline[k].Z - polyline[k - 1].Z;
            s[k] = s[k - 1] + Math.Sqrt(dr * dr + dz * dz);
        }
        return s;
    }

    /// <summary>Joins coordinate lists end to start (drops the duplicated joint values).</summary>
    public static double[] Join(params double[][] segments)
    {
        var l = new List<double>(segments[0]);
        for (int s = 1; s < segments.Length; s++) l.AddRange(segments[s].Skip(1));
        return [.. l];
    }
}
