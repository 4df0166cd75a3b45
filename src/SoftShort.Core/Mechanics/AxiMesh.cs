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

    public AxiMesh(double[] r, double[] z, int[] conn, int[] region)
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
            InputException.Require(area > 0, "mesh", $"element {e} is inverted or degenerate (signed area {area / 2:G3} mm²)");
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

    /// <summary>Joins coordinate lists end to start (drops the duplicated joint values).</summary>
    public static double[] Join(params double[][] segments)
    {
        var l = new List<double>(segments[0]);
        for (int s = 1; s < segments.Length; s++) l.AddRange(segments[s].Skip(1));
        return [.. l];
    }
}
