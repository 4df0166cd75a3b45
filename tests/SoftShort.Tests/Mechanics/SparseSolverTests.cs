using MathNet.Numerics.LinearAlgebra;
using SoftShort.Mechanics;

namespace SoftShort.Tests.Mechanics;

public class SparseSolverTests
{
    static (SparseSymmetric A, Matrix<double> Dense) RandomSpd(int n, int seed, int edgesPerNode)
    {
        var rng = new Random(seed);
        var edges = new List<(int, int)>();
        for (int i = 0; i < n; i++)
            for (int k = 0; k < edgesPerNode; k++) { int j = rng.Next(n); if (j != i) edges.Add((i, j)); }
        var a = SparseSymmetric.FromEdges(n, edges);
        var dense = Matrix<double>.Build.Dense(n, n);
        foreach (var (i, j) in edges.Distinct())
        {
            if (dense[i, j] != 0) continue;
            double w = rng.NextDouble() + 0.1;
            dense[i, j] -= w; dense[j, i] -= w; dense[i, i] += w; dense[j, j] += w;
        }
        for (int i = 0; i < n; i++) dense[i, i] += 0.01 + rng.NextDouble(); // strictly diagonally dominant ⇒ SPD
        for (int i = 0; i < n; i++)
            for (int k = a.RowStart[i]; k < a.RowStart[i + 1]; k++) a.Val[k] = dense[i, a.Col[k]];
        return (a, dense);
    }

    [Theory]
    [InlineData(1, 50, 2)]
    [InlineData(2, 200, 3)]
    [InlineData(3, 400, 1)]
    public void LdltMatchesDenseSolve(int seed, int n, int deg)
    {
        var (a, dense) = RandomSpd(n, seed, deg);
        var rng = new Random(seed + 100);
        var b = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var f = new SkylineLdlt(a);
        f.Factor();
        var x = new double[n];
        f.Solve(b, x);
        var xd = dense.Solve(Vector<double>.Build.DenseOfArray(b));
        for (int i = 0; i < n; i++) Assert.Equal(xd[i], x[i], 1e-9);
        // residual check through the sparse product
        var ax = new double[n];
        a.Multiply(x, ax);
        for (int i = 0; i < n; i++) Assert.Equal(b[i], ax[i], 1e-9);
    }

    /// <summary>The non-symmetric envelope LU on the same graphs with the off-diagonal values made unsymmetric (still diagonally dominant).</summary>
    [Theory]
    [InlineData(4, 60, 2)]
    [InlineData(5, 300, 3)]
    public void LuMatchesDenseSolveForUnsymmetricValues(int seed, int n, int deg)
    {
        var (a, dense) = RandomSpd(n, seed, deg);
        var rng = new Random(seed + 7);
        for (int i = 0; i < n; i++)
            for (int k = a.RowStart[i]; k < a.RowStart[i + 1]; k++)
                if (a.Col[k] != i) { a.Val[k] *= 0.2 + 0.8 * rng.NextDouble(); dense[i, a.Col[k]] = a.Val[k]; }
        var b = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var f = new SkylineLu(a);
        f.Factor();
        var x = new double[n];
        f.Solve(b, x);
        var xd = dense.Solve(Vector<double>.Build.DenseOfArray(b));
        for (int i = 0; i < n; i++) Assert.Equal(xd[i], x[i], 1e-9);
        var ax = new double[n];
        a.Multiply(x, ax);
        for (int i = 0; i < n; i++) Assert.Equal(b[i], ax[i], 1e-9);
    }

    [Fact]
    public void ReverseCuthillMcKeeShrinksTheProfileOfAShuffledGrid()
    {
        // 30 × 30 five-point grid with randomly shuffled numbering
        int m = 30, n = m * m;
        var rng = new Random(7);
        var label = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).ToArray();
        var edges = new List<(int, int)>();
        for (int y = 0; y < m; y++)
            for (int x = 0; x < m; x++)
            {
                if (x + 1 < m) edges.Add((label[y * m + x], label[y * m + x + 1]));
                if (y + 1 < m) edges.Add((label[y * m + x], label[(y + 1) * m + x]));
            }
        var a = SparseSymmetric.FromEdges(n, edges);
        long identity = a.Profile(Enumerable.Range(0, n).ToArray());
        var perm = a.ReverseCuthillMcKee();
        Assert.Equal(n, perm.Distinct().Count());
        long rcm = a.Profile(perm);
        // a banded ordering of an m × m grid has a profile ≈ n·m; the shuffled one is ≈ n²/3
        Assert.True(rcm < 1.5 * n * m, $"RCM profile {rcm}");
        Assert.True(rcm * 5 < identity, $"RCM {rcm} vs shuffled {identity}");
    }

    [Fact]
    public void SingularSystemIsReported()
    {
        var a = SparseSymmetric.FromEdges(3, [(0, 1), (1, 2)]);
        // graph Laplacian without a support: singular
        double[,] l = { { 1, -1, 0 }, { -1, 2, -1 }, { 0, -1, 1 } };
        for (int i = 0; i < 3; i++) for (int k = a.RowStart[i]; k < a.RowStart[i + 1]; k++) a.Val[k] = l[i, a.Col[k]];
        var f = new SkylineLdlt(a);
        var ex = Assert.Throws<SingularMatrixException>(f.Factor);
        Assert.IsAssignableFrom<InvalidOperationException>(ex); // existing handlers (the CLI) catch InvalidOperationException
        Assert.InRange(ex.Equation, 0, 2);
        var lu = new SkylineLu(a);
        Assert.Throws<SingularMatrixException>(lu.Factor);
    }
}
