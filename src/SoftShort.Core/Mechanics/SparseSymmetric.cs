namespace SoftShort.Mechanics;

/// <summary>
/// A symmetric sparse matrix in compressed-sparse-row form holding the full pattern (both triangles), built from
/// a fixed adjacency graph so that finite-element assembly is allocation-free: <see cref="Add"/> finds the slot
/// by binary search in the row. Pair with <see cref="SkylineLdlt"/> for a direct solve.
/// </summary>
public sealed class SparseSymmetric
{
    public int N { get; }
    public int[] RowStart { get; }
    public int[] Col { get; }
    public double[] Val { get; }

    /// <summary>Build the pattern from per-row sorted, distinct column lists (must be structurally symmetric and include the diagonal).</summary>
    public SparseSymmetric(IReadOnlyList<int[]> rows)
    {
        N = rows.Count;
        RowStart = new int[N + 1];
        for (int i = 0; i < N; i++) RowStart[i + 1] = RowStart[i] + rows[i].Length;
        Col = new int[RowStart[N]];
        for (int i = 0; i < N; i++) rows[i].CopyTo(Col, RowStart[i]);
        Val = new double[Col.Length];
    }

    /// <summary>Pattern from an undirected graph: an edge list over 0..n-1 (diagonal added automatically).</summary>
    public static SparseSymmetric FromEdges(int n, IEnumerable<(int A, int B)> edges)
    {
        var sets = new HashSet<int>[n];
        for (int i = 0; i < n; i++) sets[i] = [i];
        foreach (var (a, b) in edges) { sets[a].Add(b); sets[b].Add(a); }
        var rows = new int[n][];
        for (int i = 0; i < n; i++) { rows[i] = [.. sets[i]]; Array.Sort(rows[i]); }
        return new SparseSymmetric(rows);
    }

    public void Clear() => Array.Clear(Val);

    /// <summary>Adds <paramref name="v"/> to entry (i, j); the entry must be in the pattern.</summary>
    public void Add(int i, int j, double v)
    {
        int k = Array.BinarySearch(Col, RowStart[i], RowStart[i + 1] - RowStart[i], j);
        if (k < 0) throw new InvalidOperationException($"entry ({i},{j}) is not in the sparsity pattern");
        Val[k] += v;
    }

    /// <summary>Index of entry (i, j) in <see cref="Val"/>, or −1 if it is not in the pattern.</summary>
    public int Slot(int i, int j)
    {
        int k = Array.BinarySearch(Col, RowStart[i], RowStart[i + 1] - RowStart[i], j);
        return k < 0 ? -1 : k;
    }

    public double Get(int i, int j)
    {
        int k = Array.BinarySearch(Col, RowStart[i], RowStart[i + 1] - RowStart[i], j);
        return k < 0 ? 0 : Val[k];
    }

    /// <summary>y = A x.</summary>
    public void Multiply(ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < N; i++)
        {
            double s = 0;
            for (int k = RowStart[i]; k < RowStart[i + 1]; k++) s += Val[k] * x[Col[k]];
            y[i] = s;
        }
    }

    /// <summary>
    /// Reverse Cuthill–McKee ordering (Cuthill &amp; McKee 1969; George &amp; Liu 1981, "Computer Solution of Large Sparse
    /// Positive Definite Systems", ch. 4) started from a pseudo-peripheral node of each connected component.
    /// Returns perm with perm[newIndex] = oldIndex.
    /// </summary>
    public int[] ReverseCuthillMcKee()
    {
        var perm = new int[N];
        var visited = new bool[N];
        int count = 0;
        var degree = new int[N];
        for (int i = 0; i < N; i++) degree[i] = RowStart[i + 1] - RowStart[i];
        var nbr = new List<int>();
        for (int seed = 0; seed < N; seed++)
        {
            if (visited[seed]) continue;
            int start = PseudoPeripheral(seed, degree);
            int head = count;
            perm[count++] = start; visited[start] = true;
            while (head < count)
            {
                int v = perm[head++];
                nbr.Clear();
                for (int k = RowStart[v]; k < RowStart[v + 1]; k++) { int w = Col[k]; if (!visited[w]) { visited[w] = true; nbr.Add(w); } }
                nbr.Sort((a, b) => degree[a] != degree[b] ? degree[a].CompareTo(degree[b]) : a.CompareTo(b));
                foreach (int w in nbr) perm[count++] = w;
            }
        }
        Array.Reverse(perm);
        return perm;
    }

    int PseudoPeripheral(int seed, int[] degree)
    {
        int node = seed, lastEcc = -1;
        var level = new int[N];
        for (int iter = 0; iter < 8; iter++)
        {
            Array.Fill(level, -1);
            var q = new Queue<int>(); q.Enqueue(node); level[node] = 0;
            int far = node;
            while (q.Count > 0)
            {
                int v = q.Dequeue();
                if (level[v] > level[far] || (level[v] == level[far] && degree[v] < degree[far])) far = v;
                for (int k = RowStart[v]; k < RowStart[v + 1]; k++) { int w = Col[k]; if (level[w] < 0) { level[w] = level[v] + 1; q.Enqueue(w); } }
            }
            if (level[far] <= lastEcc) break;
            lastEcc = level[far]; node = far;
        }
        return node;
    }

    /// <summary>Profile (number of stored entries of the lower skyline) under a permutation perm[new] = old.</summary>
    public long Profile(int[] perm)
    {
        var inv = new int[N];
        for (int i = 0; i < N; i++) inv[perm[i]] = i;
        long p = 0;
        for (int inew = 0; inew < N; inew++)
        {
            int old = perm[inew], first = inew;
            for (int k = RowStart[old]; k < RowStart[old + 1]; k++) first = Math.Min(first, inv[Col[k]]);
            p += inew - first + 1;
        }
        return p;
    }
}

/// <summary>
/// Direct solver for symmetric (positive or indefinite-but-nonsingular, no pivoting) sparse systems: the matrix is
/// reordered by reverse Cuthill–McKee and factorised as A = L D Lᵀ in variable-band (skyline / envelope) storage,
/// where fill stays inside each row's envelope (George &amp; Liu 1981, ch. 4; Bathe, "Finite Element Procedures", §8.2.3).
/// The symbolic part (ordering, envelope) is computed once per pattern; <see cref="Factor"/> reuses it.
/// </summary>
public sealed class SkylineLdlt
{
    readonly SparseSymmetric _a;
    readonly int[] _perm, _inv;
    readonly int[] _first;      // first column of the envelope in each (new) row
    readonly long[] _rowPtr;    // start of each row in _env; row i holds columns first[i]..i
    readonly double[] _env;
    readonly double[] _work;

    public int N => _a.N;
    /// <summary>Stored envelope entries (the factor's size).</summary>
    public long EnvelopeSize => _env.LongLength;

    public SkylineLdlt(SparseSymmetric a)
    {
        _a = a;
        (_perm, _inv, _first, _rowPtr) = SkylineLdlt.Envelope(a);
        _env = new double[_rowPtr[a.N]];
        _work = new double[a.N];
    }

    /// <summary>Numeric factorisation of the current values of the matrix. Throws if a pivot vanishes (singular / unconstrained system).</summary>
    public void Factor()
    {
        Array.Clear(_env);
        var a = _a;
        for (int old = 0; old < a.N; old++)
        {
            int i = _inv[old];
            for (int k = a.RowStart[old]; k < a.RowStart[old + 1]; k++)
            {
                int j = _inv[a.Col[k]];
                if (j <= i) _env[_rowPtr[i] + (j - _first[i])] = a.Val[k];
            }
        }
        double maxDiag = 0;
        for (int i = 0; i < N; i++) maxDiag = Math.Max(maxDiag, Math.Abs(_env[_rowPtr[i + 1] - 1]));
        var d = _work;
        for (int i = 0; i < N; i++)
        {
            int fi = _first[i];
            long pi = _rowPtr[i] - fi; // env index of (i, j) = pi + j
            // compute L(i,j)*D(j) for j in [fi, i) as the row is swept (Crout form)
            for (int j = fi; j < i; j++)
            {
                int fj = _first[j];
                long pj = _rowPtr[j] - fj;
                int k0 = Math.Max(fi, fj);
                double s = _env[pi + j];
                int len = j - k0;
                if (len > 0)
                {
                    var ri = new ReadOnlySpan<double>(_env, (int)(pi + k0), len);
                    var rj = new ReadOnlySpan<double>(_env, (int)(pj + k0), len);
                    s -= Dot(ri, rj);
                }
                _env[pi + j] = s; // = L(i,j) * D(j) for now
            }
            double dii = _env[pi + i];
            for (int j = fi; j < i; j++)
            {
                double lij = _env[pi + j] / d[j];
                dii -= lij * _env[pi + j];
                _env[pi + j] = lij;
            }
            if (!(Math.Abs(dii) > 1e-14 * Math.Max(maxDiag, 1e-300)))
                throw new SingularMatrixException(_perm[i]);
            d[i] = dii;
            _env[pi + i] = dii;
        }
    }

    // Note: the inner update above uses the partially-computed products L(i,k)D(k); to keep the Crout recurrence exact
    // we store G(i,k) = L(i,k) D(k) during the sweep and L(j,k) for rows j < i, so G(i,j) = A(i,j) - sum_k G(i,k) L(j,k).
    /// <summary>
    /// The envelope (skyline) layout of <paramref name="a"/> under its reverse Cuthill–McKee ordering: the permutation, its
    /// inverse, the first stored column of each new row and each row's start in the packed storage (shared by LDLᵀ and LU).
    /// </summary>
    internal static (int[] Perm, int[] Inv, int[] First, long[] RowPtr) Envelope(SparseSymmetric a)
    {
        var perm = a.ReverseCuthillMcKee();
        var inv = new int[a.N];
        for (int i = 0; i < a.N; i++) inv[perm[i]] = i;
        var first = new int[a.N];
        var rowPtr = new long[a.N + 1];
        for (int inew = 0; inew < a.N; inew++)
        {
            int old = perm[inew], f = inew;
            for (int k = a.RowStart[old]; k < a.RowStart[old + 1]; k++) f = Math.Min(f, inv[a.Col[k]]);
            first[inew] = f;
            rowPtr[inew + 1] = rowPtr[inew] + (inew - f + 1);
        }
        return (perm, inv, first, rowPtr);
    }

    /// <summary>SIMD dot product of two envelope rows (shared by the LDLᵀ and LU factorisations).</summary>
    internal static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double s = 0;
        int n = x.Length, k = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated && n >= 2 * System.Numerics.Vector<double>.Count)
        {
            var acc = System.Numerics.Vector<double>.Zero;
            int w = System.Numerics.Vector<double>.Count;
            for (; k <= n - w; k += w) acc += new System.Numerics.Vector<double>(x[k..]) * new System.Numerics.Vector<double>(y[k..]);
            s = System.Numerics.Vector.Sum(acc);
        }
        for (; k < n; k++) s += x[k] * y[k];
        return s;
    }

    /// <summary>Solves A x = b with the last factorisation (b and x may alias).</summary>
    public void Solve(ReadOnlySpan<double> b, Span<double> x)
    {
        var y = new double[N];
        for (int i = 0; i < N; i++) y[i] = b[_perm[i]];
        // forward: L z = y
        for (int i = 0; i < N; i++)
        {
            int fi = _first[i];
            long pi = _rowPtr[i] - fi;
            if (i > fi) y[i] -= Dot(new ReadOnlySpan<double>(_env, (int)(pi + fi), i - fi), new ReadOnlySpan<double>(y, fi, i - fi));
        }
        for (int i = 0; i < N; i++) y[i] /= _env[_rowPtr[i + 1] - 1];
        // backward: Lᵀ x = z (column-oriented)
        for (int i = N - 1; i >= 0; i--)
        {
            int fi = _first[i];
            long pi = _rowPtr[i] - fi;
            double yi = y[i];
            for (int j = fi; j < i; j++) y[j] -= _env[pi + j] * yi;
        }
        for (int i = 0; i < N; i++) x[_perm[i]] = y[i];
    }
}

/// <summary>
/// Direct solver for non-symmetric sparse systems with a structurally symmetric pattern (the tangent of updated-Lagrangian
/// kinematics with an objective stress rate, or of Coulomb friction, is not symmetric; its pattern is): A = L U without
/// pivoting in the same RCM-ordered envelope as <see cref="SkylineLdlt"/>, L unit lower triangular stored by rows and U by
/// columns over each row's envelope (Doolittle profile form; Bathe, "Finite Element Procedures", §8.2.3 for the symmetric
/// skyline; Duff, Erisman &amp; Reid, "Direct Methods for Sparse Matrices", ch. 10 for the variable band). Values are read from
/// both triangles of the CSR matrix (which may hold different values in (i, j) and (j, i)).
/// </summary>
public sealed class SkylineLu
{
    readonly SparseSymmetric _a;
    readonly int[] _perm, _inv, _first;
    readonly long[] _rowPtr;
    readonly double[] _l, _u, _y;
    public int N => _a.N;
    /// <summary>Stored entries of the factor (both triangles).</summary>
    public long EnvelopeSize => _l.LongLength + _u.LongLength;

    public SkylineLu(SparseSymmetric a)
    {
        _a = a;
        (_perm, _inv, _first, _rowPtr) = SkylineLdlt.Envelope(a);
        _l = new double[_rowPtr[a.N]]; // row i: L(i, first..i−1), slot i unused
        _u = new double[_rowPtr[a.N]]; // column i: U(first..i, i)
        _y = new double[a.N];
    }

    /// <summary>Numeric factorisation of the current values. Throws if a pivot vanishes.</summary>
    public void Factor()
    {
        Array.Clear(_l); Array.Clear(_u);
        var a = _a;
        for (int old = 0; old < a.N; old++)
        {
            int i = _inv[old];
            for (int k = a.RowStart[old]; k < a.RowStart[old + 1]; k++)
            {
                int j = _inv[a.Col[k]];
                if (j < i) _l[_rowPtr[i] + (j - _first[i])] = a.Val[k];        // A(i, j), lower
                else _u[_rowPtr[j] + (i - _first[j])] = a.Val[k];              // A(i, j), j ≥ i: upper, column j
            }
        }
        double maxDiag = 0;
        for (int i = 0; i < N; i++) maxDiag = Math.Max(maxDiag, Math.Abs(_u[_rowPtr[i + 1] - 1]));
        for (int i = 0; i < N; i++)
        {
            int fi = _first[i];
            int pi = (int)(_rowPtr[i] - fi); // index of (i, j) in row i of L / of (j, i) in column i of U = pi + j
            for (int j = fi; j < i; j++)
            {
                int fj = _first[j], pj = (int)(_rowPtr[j] - fj);
                int k0 = Math.Max(fi, fj), len = j - k0;
                double lij = _l[pi + j], uji = _u[pi + j];
                if (len > 0)
                {
                    lij -= SkylineLdlt.Dot(new ReadOnlySpan<double>(_l, pi + k0, len), new ReadOnlySpan<double>(_u, pj + k0, len)); // Σ L(i,k) U(k,j)
                    uji -= SkylineLdlt.Dot(new ReadOnlySpan<double>(_l, pj + k0, len), new ReadOnlySpan<double>(_u, pi + k0, len)); // Σ L(j,k) U(k,i)
                }
                _u[pi + j] = uji;
                _l[pi + j] = lij / _u[pj + j];
            }
            double uii = _u[pi + i];
            if (i > fi) uii -= SkylineLdlt.Dot(new ReadOnlySpan<double>(_l, pi + fi, i - fi), new ReadOnlySpan<double>(_u, pi + fi, i - fi));
            if (!(Math.Abs(uii) > 1e-14 * Math.Max(maxDiag, 1e-300)))
                throw new SingularMatrixException(_perm[i]);
            _u[pi + i] = uii;
        }
    }

    /// <summary>Solves A x = b with the last factorisation (b and x may alias).</summary>
    public void Solve(ReadOnlySpan<double> b, Span<double> x)
    {
        var y = _y;
        for (int i = 0; i < N; i++) y[i] = b[_perm[i]];
        for (int i = 0; i < N; i++) // L z = y (rows)
        {
            int fi = _first[i], pi = (int)(_rowPtr[i] - fi);
            if (i > fi) y[i] -= SkylineLdlt.Dot(new ReadOnlySpan<double>(_l, pi + fi, i - fi), new ReadOnlySpan<double>(y, fi, i - fi));
        }
        for (int i = N - 1; i >= 0; i--) // U x = z (columns)
        {
            int fi = _first[i], pi = (int)(_rowPtr[i] - fi);
            double xi = y[i] / _u[pi + i];
            y[i] = xi;
            for (int j = fi; j < i; j++) y[j] -= _u[pi + j] * xi;
        }
        for (int i = 0; i < N; i++) x[_perm[i]] = y[i];
    }
}

/// <summary>A pivot of the factorisation vanished: the tangent is singular (a mechanism, e.g. a body without enough supports or a perfectly
/// plastic layer that can slide). An <see cref="InvalidOperationException"/> so that existing handlers keep working.</summary>
public sealed class SingularMatrixException(int equation)
    : InvalidOperationException($"zero pivot at equation {equation}: the system is singular (a body without enough supports?)")
{
    /// <summary>Equation (in the original numbering) whose pivot vanished.</summary>
    public int Equation { get; } = equation;
}
