namespace SoftShort.PhaseField;

/// <summary>
/// Quasi-static plane-strain linear elasticity for the dendrite model: bilinear (Q1) finite elements on a grid
/// coarsened from the phase-field grid by an integer factor, heterogeneous moduli (Li, SE, near-zero-stiffness pores:
/// E_pore = 10⁻⁴ E_SE), the eigenstrain of the plated Li (interface-normal growth strain or isotropic, see
/// <see cref="DendriteParameters.DepositionStrainForm"/>), the external pressure as a traction on the right
/// (SE) boundary, the left boundary fixed and rollers on top/bottom (the pellet is confined laterally by its die).
/// Matrix-free CG preconditioned by one multigrid V-cycle per displacement component (see BuildPreconditioner), warm-started
/// by linear extrapolation from the last two solutions. Optionally (<see cref="DendriteParameters.LiPlasticity"/>) the Li is
/// elastic–perfectly-plastic (J2), solved by Newton's method with a centre-point radial return (see SolvePlastic).
/// Units: MPa, µm.
/// </summary>
public sealed class PlaneStrainElasticity
{
    readonly int _nx, _ny, _m, _mx, _my;
    readonly double _h;
    readonly double[] _kSe, _kLi, _g;          // 8×8 unit-modulus element matrices and ∫Bᵀ(1,1,0)dA
    readonly double[] _u, _uPrev, _f, _r, _z, _p, _q, _diag, _a, _b, _sxx, _syy, _szz, _sxy, _xi0, _dep;
    // eigenstrain per element (xx, yy, zz, xy; the element's growth strain) and the element's Li fraction w
    readonly double[] _eig, _w;
    // Li plasticity (allocated on the first solve with DendriteParameters.LiPlasticity): plastic strain of the Li in each
    // element (xx, yy, zz, xy; deviatoric) — committed (_epn), current iterate (_ep), the Li fraction at the last commit,
    // and the growth + traction load vector the plastic load is added to
    double[]? _epn, _ep, _wCommitted, _f0;
    bool _havePrev;
    readonly bool[] _fixedDof;
    // displacement-decoupled multigrid preconditioner: one scalar V-cycle per displacement component on the node grid
    readonly Multigrid _mgX = new(), _mgY = new();
    readonly double[] _kxX, _kyX, _kxY, _kyY, _shift0, _rx, _ry, _zx, _zy;
    readonly bool[] _fixX, _fixY;
    bool _initialised;

    /// <summary>Coarsening factor between the phase-field grid and the mechanics grid.</summary>
    public int Coarsening => _m;
    public int LastIterations { get; private set; }
    /// <summary>Li plasticity only: fixed-point (return-map) iterations of the last solve.</summary>
    public int LastPlasticIterations { get; private set; }
    /// <summary>Li plasticity only: largest change of the Li stress between the last two return-map iterations, MPa (Mises measure).</summary>
    public double LastPlasticChangeMPa { get; private set; }
    /// <summary>Li plasticity only: total CG iterations of the last solve (all return-map iterations).</summary>
    public int LastPlasticCgIterations { get; private set; }
    /// <summary>Li plasticity only: equivalent plastic strain √(2/3 εᵖ:εᵖ) of the Li in each mechanics element (null without plasticity).</summary>
    public double[]? EquivalentPlasticStrain()
    {
        if (_epn == null) return null;
        var q = new double[_w.Length];
        for (int e = 0; e < q.Length; e++)
        {
            double xx = _epn[4 * e], yy = _epn[4 * e + 1], zz = _epn[4 * e + 2], xy = _epn[4 * e + 3];
            q[e] = Math.Sqrt(2.0 / 3 * (xx * xx + yy * yy + zz * zz + 2 * xy * xy));
        }
        return q;
    }
    /// <summary>Mechanics elements along x and y.</summary>
    public (int X, int Y) Elements => (_mx, _my);

    /// <param name="nx">Phase-field cells along x.</param>
    /// <param name="ny">Phase-field cells along y.</param>
    /// <param name="dxUm">Phase-field grid spacing, µm.</param>
    /// <param name="targetCellUm">Mechanics element size aimed at, µm.</param>
    /// <param name="liPlasticity">Li is elastic–perfectly-plastic (J2, <see cref="DendriteParameters.LiYieldMPa"/>); see <see cref="Solve"/>.</param>
    public PlaneStrainElasticity(int nx, int ny, double dxUm, double targetCellUm = 4, bool liPlasticity = false)
    {
        _nx = nx; _ny = ny; _plastic = liPlasticity;
        int m = Math.Max(1, (int)Math.Round(targetCellUm / dxUm));
        while (m > 1 && (nx % m != 0 || ny % m != 0)) m--;
        _m = m; _mx = nx / m; _my = ny / m; _h = dxUm * m;
        int nodes = (_mx + 1) * (_my + 1), dofs = 2 * nodes, elems = _mx * _my;
        _kSe = new double[64]; _kLi = new double[64]; _g = new double[8];
        _u = new double[dofs]; _uPrev = new double[dofs]; _f = new double[dofs]; _r = new double[dofs]; _z = new double[dofs]; _p = new double[dofs]; _q = new double[dofs]; _diag = new double[dofs];
        _fixedDof = new bool[dofs];
        int nnx = _mx + 1, nny = _my + 1;
        _kxX = new double[(nnx + 1) * nny]; _kxY = new double[(nnx + 1) * nny]; _kyX = new double[nnx * (nny + 1)]; _kyY = new double[nnx * (nny + 1)];
        _shift0 = new double[nodes]; _rx = new double[nodes]; _ry = new double[nodes]; _zx = new double[nodes]; _zy = new double[nodes];
        _fixX = new bool[nodes]; _fixY = new bool[nodes];
        _a = new double[elems]; _b = new double[elems]; _sxx = new double[elems]; _syy = new double[elems]; _szz = new double[elems]; _sxy = new double[elems];
        _xi0 = new double[nx * ny]; _dep = new double[nx * ny];
        _eig = new double[4 * elems]; _w = new double[elems];
        for (int y = 0; y <= _my; y++)
            for (int x = 0; x <= _mx; x++)
            {
                int node = y * (_mx + 1) + x;
                if (x == 0) { _fixedDof[2 * node] = true; _fixedDof[2 * node + 1] = true; }
                if (y == 0 || y == _my) _fixedDof[2 * node + 1] = true;
            }
        for (int i = 0; i < nodes; i++) { _fixX[i] = _fixedDof[2 * i]; _fixY[i] = _fixedDof[2 * i + 1]; }
    }

    /// <summary>
    /// Writes the solver's evolving state (the displacement warm start and the previous solution used by the linear
    /// extrapolation) so that a resumed run repeats an uninterrupted one bit for bit.
    /// </summary>
    public void WriteState(BinaryWriter w)
    {
        w.Write(_havePrev);
        w.Write(_u.Length);
        foreach (double v in _u) w.Write(v);
        foreach (double v in _uPrev) w.Write(v);
        if (_plastic)
        {
            // written only with Li plasticity, so the elastic checkpoint format is unchanged
            w.Write(_epn != null);
            if (_epn != null)
            {
                foreach (double v in _epn) w.Write(v);
                foreach (double v in _wCommitted!) w.Write(v);
                w.Write(PlasticSolves); w.Write(TotalPlasticIterations); w.Write(UnconvergedPlasticSolves); w.Write(LargestUnconvergedChangeMPa);
            }
        }
    }

    /// <summary>Restores the state written by <see cref="WriteState"/> (same grid).</summary>
    public void ReadState(BinaryReader r)
    {
        _havePrev = r.ReadBoolean();
        int n = r.ReadInt32();
        if (n != _u.Length) throw new InputException("checkpoint", $"mechanics state has {n} unknowns, the grid has {_u.Length}");
        for (int i = 0; i < n; i++) _u[i] = r.ReadDouble();
        for (int i = 0; i < n; i++) _uPrev[i] = r.ReadDouble();
        if (_plastic && r.ReadBoolean())
        {
            AllocatePlastic();
            for (int i = 0; i < _epn!.Length; i++) _epn[i] = r.ReadDouble();
            for (int i = 0; i < _wCommitted!.Length; i++) _wCommitted[i] = r.ReadDouble();
            PlasticSolves = r.ReadInt64(); TotalPlasticIterations = r.ReadInt64(); UnconvergedPlasticSolves = r.ReadInt64(); LargestUnconvergedChangeMPa = r.ReadDouble();
        }
    }

    readonly bool _plastic;

    void AllocatePlastic()
    {
        int elems = _w.Length;
        _epn ??= new double[4 * elems]; _ep ??= new double[4 * elems]; _f0 ??= new double[_f.Length];
        if (_wCommitted == null) { _wCommitted = new double[elems]; Array.Fill(_wCommitted, -1.0); }   // −1: no Li fraction committed yet
    }

    static readonly double[] Gauss = [0.5 - 0.5 / Math.Sqrt(3), 0.5 + 0.5 / Math.Sqrt(3)];

    /// <summary>Unit-modulus plane-strain Q1 element stiffness (independent of element size in 2D), node order (0,0),(1,0),(1,1),(0,1).</summary>
    public static double[] ElementStiffness(double nu)
    {
        double lam = nu / ((1 + nu) * (1 - 2 * nu)), mu = 1 / (2 * (1 + nu));
        var k = new double[64];
        foreach (double s in Gauss)
            foreach (double t in Gauss)
            {
                var (ds, dt) = Derivatives(s, t);
                for (int i = 0; i < 4; i++)
                    for (int j = 0; j < 4; j++)
                    {
                        double w = 0.25;
                        k[(2 * i) * 8 + 2 * j] += w * ((lam + 2 * mu) * ds[i] * ds[j] + mu * dt[i] * dt[j]);
                        k[(2 * i) * 8 + 2 * j + 1] += w * (lam * ds[i] * dt[j] + mu * dt[i] * ds[j]);
                        k[(2 * i + 1) * 8 + 2 * j] += w * (lam * dt[i] * ds[j] + mu * ds[i] * dt[j]);
                        k[(2 * i + 1) * 8 + 2 * j + 1] += w * ((lam + 2 * mu) * dt[i] * dt[j] + mu * ds[i] * ds[j]);
                    }
            }
        return k;
    }

    static (double[] Ds, double[] Dt) Derivatives(double s, double t) =>
        ([-(1 - t), 1 - t, t, -t], [-(1 - s), -s, s, 1 - s]);

    void Init(DendriteParameters p, double[] xi)
    {
        Array.Copy(ElementStiffness(p.SePoisson), _kSe, 64);
        Array.Copy(ElementStiffness(p.LiPoisson), _kLi, 64);
        Array.Clear(_g);
        foreach (double s in Gauss)
            foreach (double t in Gauss)
            {
                var (ds, dt) = Derivatives(s, t);
                for (int i = 0; i < 4; i++) { _g[2 * i] += 0.25 * ds[i] * _h; _g[2 * i + 1] += 0.25 * dt[i] * _h; }
            }
        Array.Copy(xi, _xi0, xi.Length);
        _initialised = true;
    }

    static double H(double x) { x = Math.Clamp(x, 0, 1); return x * x * x * (6 * x * x - 15 * x + 10); }

    int Node(int x, int y) => y * (_mx + 1) + x;

    void Apply(double[] u, double[] y)
    {
        Array.Clear(y);
        // element rows of one parity share no nodes: scatter them in parallel, even rows first, then odd rows
        for (int parity = 0; parity < 2; parity++)
        {
            int rows = (_my - parity + 1) / 2;
            if (rows <= 0) continue;
            Parallel.For(0, rows, k => ApplyRow(u, y, 2 * k + parity));
        }
        for (int i = 0; i < y.Length; i++) if (_fixedDof[i]) y[i] = u[i];
    }

    void ApplyRow(double[] u, double[] y, int ey)
    {
        Span<int> dof = stackalloc int[8];
        Span<double> ue = stackalloc double[8];
        for (int ex = 0; ex < _mx; ex++)
        {
            int e = ey * _mx + ex;
            Dofs(ex, ey, dof);
            for (int k = 0; k < 8; k++) ue[k] = _fixedDof[dof[k]] ? 0 : u[dof[k]];
            double a = _a[e], b = _b[e];
            for (int i = 0; i < 8; i++)
            {
                double sa = 0, sb = 0;
                int row = i * 8;
                for (int j = 0; j < 8; j++) { sa += _kSe[row + j] * ue[j]; sb += _kLi[row + j] * ue[j]; }
                y[dof[i]] += a * sa + b * sb;
            }
            if (_tangentOn && _tangentCoef![e] != 0)
            {
                // Newton with Li plasticity: J = K_el − P, P = A B₀ᵀ(2μ_L w)[(1−θ)D + θ v vᵀ]B₀ at the element centre
                var (qxx, qyy, qxy) = TangentStress(e, ue);
                for (int k = 0; k < 4; k++)
                {
                    y[dof[2 * k]] -= qxx * _g[2 * k] + qxy * _g[2 * k + 1];
                    y[dof[2 * k + 1]] -= qxy * _g[2 * k] + qyy * _g[2 * k + 1];
                }
            }
        }
    }

    void Dofs(int ex, int ey, Span<int> dof)
    {
        int n0 = Node(ex, ey), n1 = Node(ex + 1, ey), n2 = Node(ex + 1, ey + 1), n3 = Node(ex, ey + 1);
        dof[0] = 2 * n0; dof[1] = 2 * n0 + 1; dof[2] = 2 * n1; dof[3] = 2 * n1 + 1;
        dof[4] = 2 * n2; dof[5] = 2 * n2 + 1; dof[6] = 2 * n3; dof[7] = 2 * n3 + 1;
    }

    /// <summary>
    /// Solves for the displacement of the current microstructure and writes the hydrostatic pressure P_m = −tr σ/3 (MPa,
    /// compression positive), the von Mises stress (MPa) and the volumetric strain ε_xx + ε_yy on the phase-field grid.
    /// </summary>
    /// <param name="xi">Li order parameter on the phase-field grid.</param>
    /// <param name="pores">Pore indicator (1 = pore).</param>
    /// <param name="p">Parameters (moduli, eigenstrain, external pressure).</param>
    /// <param name="pressureMPa">Out: hydrostatic pressure, MPa.</param>
    /// <param name="vonMisesMPa">Out: von Mises stress, MPa.</param>
    /// <param name="volStrain">Out: volumetric strain.</param>
    /// <param name="extrapolation">
    /// Warm start: the initial guess is u + extrapolation·(u − u_previous), i.e. linear extrapolation in time with
    /// extrapolation = (t − t_last)/(t_last − t_previous) (the plated volume, hence the load, grows almost linearly). 0: plain warm start.
    /// </param>
    public void Solve(double[] xi, byte[] pores, DendriteParameters p, double[] pressureMPa, double[] vonMisesMPa, double[] volStrain, double extrapolation = 0)
    {
        if (!_initialised) Init(p, xi);
        if (extrapolation > 0 && _havePrev)
            for (int i = 0; i < _u.Length; i++) { double u = _u[i]; _u[i] = u + extrapolation * (u - _uPrev[i]); _uPrev[i] = u; }
        else { Array.Copy(_u, _uPrev, _u.Length); }
        _havePrev = true;
        double eSe = p.SeYoungGPa * 1e3, eLi = p.LiYoungGPa * 1e3, ePore = eSe * 1e-4;
        int m = _m, nx = _nx;
        double nuS = p.SePoisson, nuL = p.LiPoisson;
        double lamS = nuS / ((1 + nuS) * (1 - 2 * nuS)), muS = 1 / (2 * (1 + nuS));
        double lamL = nuL / ((1 + nuL) * (1 - 2 * nuL)), muL = 1 / (2 * (1 + nuL));
        bool normal = p.DepositionStrainForm == DepositionStrainForm.InterfaceNormal;
        // deposit field Δh = max(0, h(ξ) − h(ξ₀)), zero in pores for the growth form (Li filling a pore needs no room)
        for (int i = 0; i < _dep.Length; i++)
            _dep[i] = Math.Max(0, H(xi[i]) - H(_xi0[i])) * (normal && pores[i] == 1 ? 0 : 1);
        Array.Clear(_f);
        Span<int> dof = stackalloc int[8];
        for (int ey = 0; ey < _my; ey++)
            for (int ex = 0; ex < _mx; ex++)
            {
                double w = 0, pore = 0, eig = 0, gxx = 0, gyy = 0, gxy = 0;
                for (int yy = 0; yy < m; yy++)
                    for (int xx = 0; xx < m; xx++)
                    {
                        int cx = ex * m + xx, cy = ey * m + yy;
                        int i = cy * nx + cx;
                        double h = H(xi[i]);
                        w += h; pore += pores[i];
                        eig += _dep[i];
                        if (normal)
                        {
                            // structure tensor of ∇(deposit): n⊗n of the deposit surface, sign-free
                            double gx = _dep[cy * nx + Math.Min(cx + 1, nx - 1)] - _dep[cy * nx + Math.Max(cx - 1, 0)];
                            double gy = _dep[Math.Min(cy + 1, _ny - 1) * nx + cx] - _dep[Math.Max(cy - 1, 0) * nx + cx];
                            gxx += gx * gx; gyy += gy * gy; gxy += gx * gy;
                        }
                    }
                double inv = 1.0 / (m * m);
                w *= inv; pore *= inv; eig *= inv;
                int e = ey * _mx + ex;
                double es = ePore * pore + eSe * (1 - pore);
                _a[e] = (1 - w) * es;
                _b[e] = w * eLi;
                // eigenstrain tensor ε* (plane strain: xx, yy, xy and the out-of-plane zz)
                double exs, eys, ezs, exys;
                if (normal)
                {
                    double tr = gxx + gyy, g = p.DepositionEigenstrain * eig;
                    if (tr > 1e-30) { exs = g * gxx / tr; eys = g * gyy / tr; exys = g * gxy / tr; }
                    else { exs = g; eys = 0; exys = 0; }   // no gradient inside the element: the mean growth direction x
                    ezs = 0;
                }
                else { exs = eys = ezs = p.DepositionEigenstrain / 3 * eig; exys = 0; }
                // σ* = C ε* with the element's mixed moduli (unit-modulus λ, μ times the SE and Li weights)
                double lam = _a[e] * lamS + _b[e] * lamL, twoMu = 2 * (_a[e] * muS + _b[e] * muL);
                double trs = exs + eys + ezs;
                _sxx[e] = lam * trs + twoMu * exs;
                _syy[e] = lam * trs + twoMu * eys;
                _szz[e] = lam * trs + twoMu * ezs;
                _sxy[e] = twoMu * exys;
                _w[e] = w;
                _eig[4 * e] = exs; _eig[4 * e + 1] = eys; _eig[4 * e + 2] = ezs; _eig[4 * e + 3] = exys;
                Dofs(ex, ey, dof);
                for (int k = 0; k < 4; k++)
                {
                    _f[dof[2 * k]] += _sxx[e] * _g[2 * k] + _sxy[e] * _g[2 * k + 1];
                    _f[dof[2 * k + 1]] += _sxy[e] * _g[2 * k] + _syy[e] * _g[2 * k + 1];
                }
            }
        // pressure on the right boundary: traction t_x = −P
        for (int y = 0; y < _my; y++)
        {
            _f[2 * Node(_mx, y)] += -p.PressureMPa * _h / 2;
            _f[2 * Node(_mx, y + 1)] += -p.PressureMPa * _h / 2;
        }
        for (int i = 0; i < _f.Length; i++) if (_fixedDof[i]) { _f[i] = 0; _u[i] = 0; }

        // Jacobi diagonal
        Array.Clear(_diag);
        for (int ey = 0; ey < _my; ey++)
            for (int ex = 0; ex < _mx; ex++)
            {
                int e = ey * _mx + ex;
                Dofs(ex, ey, dof);
                for (int k = 0; k < 8; k++) _diag[dof[k]] += _a[e] * _kSe[k * 9] + _b[e] * _kLi[k * 9];
            }
        for (int i = 0; i < _diag.Length; i++) if (_fixedDof[i] || _diag[i] <= 0) _diag[i] = 1;
        BuildPreconditioner(p);

        if (_plastic) SolvePlastic(p);
        else Pcg(tolerance: 1e-6, maxIterations: 20000);
        Stresses(p, pressureMPa, vonMisesMPa, volStrain);
    }

    /// <summary>
    /// Elastic–perfectly-plastic Li (J2, yield σ_y), one load increment from the committed plastic strain εᵖₙ. The plastic
    /// strain of the Li part of each element is a constant eigenstrain of that element, evaluated at the element centre: the
    /// Li stress there, σ_tr = C_Li(ε_c − ε* − εᵖₙ), is returned radially to the Mises cylinder, εᵖ = εᵖₙ + (1 − θ) dev(ε_tr),
    /// θ = σ_y/σ̄_tr (exact for perfect plasticity; Simo &amp; Hughes, "Computational Inelasticity", 1998, §3.3), and the
    /// equilibrium K_el u = f_growth + f(εᵖ(u)) is solved by Newton's method with the consistent tangent
    /// C_alg = K 1⊗1 + 2μθ(I_dev − N⊗N) at the element centres (the elastic 2×2 part keeps the hourglass stiffness), each
    /// linear solve by the same multigrid-preconditioned CG, with a backtracking line search on the equilibrium residual. It stops when no Li stress changes by more than
    /// <see cref="DendriteParameters.PlasticityToleranceMPa"/> between iterations, or after
    /// <see cref="DendriteParameters.PlasticityMaxIterations"/> (the stresses are then still returned to the yield surface;
    /// the unbalanced remainder is carried into the next increment, i.e. the coupling becomes staggered). Li plated since
    /// the last increment starts with εᵖ = 0: the element's εᵖ (the mean over its Li) is diluted by w_old/w_new when its Li
    /// fraction w grows.
    /// </summary>
    void SolvePlastic(DendriteParameters p)
    {
        AllocatePlastic();
        var epn = _epn!; var ep = _ep!; var wc = _wCommitted!; var f0 = _f0!;
        int elems = _w.Length, dofs = _u.Length;
        _tangent ??= new double[6 * elems];
        _tangentCoef ??= new double[elems];
        _epTry ??= new double[4 * elems]; _uOld ??= new double[dofs]; _uNewton ??= new double[dofs];
        var epTry = _epTry; var uOld = _uOld; var uNewton = _uNewton;
        for (int e = 0; e < elems; e++)
        {
            double w = _w[e];
            if (wc[e] >= 0 && w > wc[e] && w > 0)
            {
                double k = wc[e] / w;
                for (int c = 0; c < 4; c++) epn[4 * e + c] *= k;
            }
            wc[e] = w;
        }
        Array.Copy(_f, f0, f0.Length);
        var (mu, muL, sy) = (p.LiYoungGPa * 1e3 / (2 * (1 + p.LiPoisson)), 1 / (2 * (1 + p.LiPoisson)), p.LiYieldMPa);
        double tol = p.PlasticityToleranceMPa;
        int maxIt = p.PlasticityMaxIterations, cgTotal = 0, it = 0;
        double change = double.PositiveInfinity;
        // start from the warm-start displacement: its return map and consistent tangent
        ReturnMap(epn, ep, mu, sy);
        double res = Residual(ep, muL);
        while (it < maxIt)
        {
            // Newton step written for the new displacement: J u* = f_growth + f(εᵖ(u_k)) − P_k u_k, J = K_el − P_k,
            // f(εᵖ) = ∫Bᵀ(b·2μ̃_L εᵖ) (εᵖ deviatoric), P_k u = Σ A B₀ᵀ(2μ_L w)[(1−θ)D + θ v vᵀ]B₀ u
            AssemblePlasticLoad(ep, muL, tangent: true);
            Array.Copy(_u, uOld, dofs);
            _tangentOn = true;
            Pcg(tolerance: 1e-6, maxIterations: 20000);
            _tangentOn = false;
            cgTotal += LastIterations;
            it++;
            Array.Copy(_u, uNewton, dofs);
            // backtracking line search on the equilibrium residual (full Newton steps cycle when elements switch between
            // plastic loading and elastic unloading)
            double alpha = 1, resTry = 0;
            for (int halvings = 0; ; halvings++)
            {
                if (halvings > 0)
                    for (int i = 0; i < dofs; i++) _u[i] = uOld[i] + alpha * (uNewton[i] - uOld[i]);
                ReturnMap(epn, epTry, mu, sy);
                resTry = Residual(epTry, muL);
                if (resTry < res || halvings >= 6) break;
                alpha *= 0.5;
            }
            change = 0;
            for (int e = 0; e < elems; e++)
            {
                double cxx = epTry[4 * e] - ep[4 * e], cyy = epTry[4 * e + 1] - ep[4 * e + 1], czz = epTry[4 * e + 2] - ep[4 * e + 2], cxy = epTry[4 * e + 3] - ep[4 * e + 3];
                change = Math.Max(change, 2 * mu * _w[e] * Math.Sqrt(1.5 * (cxx * cxx + cyy * cyy + czz * czz + 2 * cxy * cxy)));
            }
            Array.Copy(epTry, ep, ep.Length);
            res = resTry;
            if (change <= tol || LastIterations == 0) break;   // converged, or at the linear solver's tolerance
        }
        Array.Copy(ep, epn, ep.Length);
        LastPlasticIterations = it; LastPlasticChangeMPa = change; LastPlasticCgIterations = cgTotal;
        PlasticSolves++; TotalPlasticIterations += it;
        if (change > tol && LastIterations > 0) { UnconvergedPlasticSolves++; LargestUnconvergedChangeMPa = Math.Max(LargestUnconvergedChangeMPa, change); }
    }

    /// <summary>Li plasticity: mechanics solves so far (checkpointed with the plastic state).</summary>
    public long PlasticSolves { get; private set; }
    /// <summary>Li plasticity: Newton iterations over all solves so far.</summary>
    public long TotalPlasticIterations { get; private set; }
    /// <summary>Li plasticity: solves that stopped at the iteration cap above the tolerance.</summary>
    public long UnconvergedPlasticSolves { get; private set; }
    /// <summary>Li plasticity: the largest last-iteration change of those solves, MPa.</summary>
    public double LargestUnconvergedChangeMPa { get; private set; }

    double[]? _epTry, _uOld, _uNewton;

    /// <summary>Radial return at every element centre from the committed εᵖₙ for the current displacement: writes εᵖ(u) and the consistent tangent.</summary>
    void ReturnMap(double[] epn, double[] ep, double mu, double sy)
    {
        var tc = _tangentCoef!; var tm = _tangent!;
        Parallel.For(0, _my, ey =>
        {
            Span<int> d = stackalloc int[8];
            for (int ex = 0; ex < _mx; ex++)
            {
                int e = ey * _mx + ex;
                tc[e] = 0;
                double nxx = epn[4 * e], nyy = epn[4 * e + 1], nzz = epn[4 * e + 2], nxy = epn[4 * e + 3];
                if (_w[e] >= 1e-3)
                {
                    var (exx, eyy, gxy) = CentreStrain(ex, ey, d);
                    double xx = exx - _eig[4 * e] - nxx, yy = eyy - _eig[4 * e + 1] - nyy;
                    double zz = -_eig[4 * e + 2] - nzz, xy = 0.5 * gxy - _eig[4 * e + 3] - nxy;
                    double m3 = (xx + yy + zz) / 3;
                    double dxx = xx - m3, dyy = yy - m3, dzz = zz - m3;            // dev ε_tr (tensor components)
                    double norm = Math.Sqrt(dxx * dxx + dyy * dyy + dzz * dzz + 2 * xy * xy);
                    double q = 2 * mu * Math.Sqrt(1.5) * norm;                       // Mises stress of the trial state
                    if (q > sy)
                    {
                        double theta = sy / q, k = 1 - theta;
                        nxx += k * dxx; nyy += k * dyy; nzz += k * dzz; nxy += k * xy;
                        // tangent P = (2μ_L w)[(1−θ)D + θ v vᵀ] on (ε_xx, ε_yy, γ_xy) with ε_zz = 0: D = I_dev, v = (N_xx, N_yy, N_xy)
                        double vx = dxx / norm, vy = dyy / norm, vxy = xy / norm;
                        tc[e] = 2 * mu * _w[e];
                        tm[6 * e] = k * 2.0 / 3 + theta * vx * vx;
                        tm[6 * e + 1] = -k / 3 + theta * vx * vy;
                        tm[6 * e + 2] = theta * vx * vxy;
                        tm[6 * e + 3] = k * 2.0 / 3 + theta * vy * vy;
                        tm[6 * e + 4] = theta * vy * vxy;
                        tm[6 * e + 5] = k * 0.5 + theta * vxy * vxy;
                    }
                }
                ep[4 * e] = nxx; ep[4 * e + 1] = nyy; ep[4 * e + 2] = nzz; ep[4 * e + 3] = nxy;
            }
        });
    }

    /// <summary>_f = f_growth + f(εᵖ) (− P u with the tangent, for the Newton right-hand side), fixed dofs zeroed.</summary>
    void AssemblePlasticLoad(double[] ep, double muL, bool tangent)
    {
        var tc = _tangentCoef!;
        Array.Copy(_f0!, _f, _f.Length);
        Span<int> dof = stackalloc int[8];
        Span<double> ue = stackalloc double[8];
        for (int ey = 0; ey < _my; ey++)
            for (int ex = 0; ex < _mx; ex++)
            {
                int e = ey * _mx + ex;
                double s = _b[e] * 2 * muL;
                if (s == 0) continue;
                double pxx = s * ep[4 * e], pyy = s * ep[4 * e + 1], pxy = s * ep[4 * e + 3];
                double c = tangent ? tc[e] : 0;
                if (pxx == 0 && pyy == 0 && pxy == 0 && c == 0) continue;
                Dofs(ex, ey, dof);
                if (c != 0)
                {
                    for (int k = 0; k < 8; k++) ue[k] = _fixedDof[dof[k]] ? 0 : _u[dof[k]];
                    var (qxx, qyy, qxy) = TangentStress(e, ue);
                    pxx -= qxx; pyy -= qyy; pxy -= qxy;
                }
                for (int k = 0; k < 4; k++)
                {
                    _f[dof[2 * k]] += pxx * _g[2 * k] + pxy * _g[2 * k + 1];
                    _f[dof[2 * k + 1]] += pxy * _g[2 * k] + pyy * _g[2 * k + 1];
                }
            }
        for (int i = 0; i < _f.Length; i++) if (_fixedDof[i]) _f[i] = 0;
    }

    /// <summary>Equilibrium residual ‖f_growth + f(εᵖ) − K_el u‖ over the free dofs (N per µm).</summary>
    double Residual(double[] ep, double muL)
    {
        AssemblePlasticLoad(ep, muL, tangent: false);
        Apply(_u, _q);
        double r = 0;
        for (int i = 0; i < _f.Length; i++) if (!_fixedDof[i]) { double d = _f[i] - _q[i]; r += d * d; }
        return Math.Sqrt(r);
    }

    double[]? _tangent, _tangentCoef;
    bool _tangentOn;

    /// <summary>P_e u_e of the consistent tangent (stress-like, xx, yy, xy) for the element displacement <paramref name="ue"/>.</summary>
    (double Sxx, double Syy, double Sxy) TangentStress(int e, ReadOnlySpan<double> ue)
    {
        double exx = 0, eyy = 0, gxy = 0;
        for (int k = 0; k < 4; k++)
        {
            exx += Ds[k] * ue[2 * k] / _h; eyy += Dt[k] * ue[2 * k + 1] / _h; gxy += (Dt[k] * ue[2 * k] + Ds[k] * ue[2 * k + 1]) / _h;
        }
        var t = _tangent!; double c = _tangentCoef![e]; int o = 6 * e;
        return (c * (t[o] * exx + t[o + 1] * eyy + t[o + 2] * gxy), c * (t[o + 1] * exx + t[o + 3] * eyy + t[o + 4] * gxy),
                c * (t[o + 2] * exx + t[o + 4] * eyy + t[o + 5] * gxy));
    }

    (double Exx, double Eyy, double Gxy) CentreStrain(int ex, int ey, Span<int> dof)
    {
        Dofs(ex, ey, dof);
        double exx = 0, eyy = 0, gxy = 0;
        for (int k = 0; k < 4; k++)
        {
            double ux = _u[dof[2 * k]], uy = _u[dof[2 * k + 1]];
            exx += Ds[k] * ux / _h; eyy += Dt[k] * uy / _h; gxy += (Dt[k] * ux + Ds[k] * uy) / _h;
        }
        return (exx, eyy, gxy);
    }

    static readonly double[] Ds = [-0.5, 0.5, 0.5, -0.5], Dt = [-0.5, -0.5, 0.5, 0.5];

    /// <summary>
    /// Displacement-decoupled preconditioner (Blaheta, Numer. Linear Algebra Appl. 1 (1994) 107; spectrally equivalent to the
    /// elasticity operator by Korn's inequality): for u_x the scalar operator −∂x((λ+2μ)∂x) − ∂y(μ∂y), for u_y the same with the
    /// roles swapped, each 5-point on the node grid with edge moduli averaged from the adjacent elements, inverted
    /// approximately by one geometric multigrid V-cycle (<see cref="Multigrid"/>).
    /// </summary>
    void BuildPreconditioner(DendriteParameters p)
    {
        double nuS = p.SePoisson, nuL = p.LiPoisson;
        double lamS = nuS / ((1 + nuS) * (1 - 2 * nuS)), muS = 1 / (2 * (1 + nuS));
        double lamL = nuL / ((1 + nuL) * (1 - 2 * nuL)), muL = 1 / (2 * (1 + nuL));
        int nnx = _mx + 1, nny = _my + 1;
        double Mu(int ex, int ey) => ex < 0 || ey < 0 || ex >= _mx || ey >= _my ? double.NaN : _a[ey * _mx + ex] * muS + _b[ey * _mx + ex] * muL;
        double Pw(int ex, int ey) => ex < 0 || ey < 0 || ex >= _mx || ey >= _my ? double.NaN
            : _a[ey * _mx + ex] * (lamS + 2 * muS) + _b[ey * _mx + ex] * (lamL + 2 * muL);
        static double Avg(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : 0.5 * (a + b);
        Array.Clear(_kxX); Array.Clear(_kxY); Array.Clear(_kyX); Array.Clear(_kyY);
        for (int y = 0; y < nny; y++)
            for (int x = 0; x < _mx; x++)
            {
                // edge between nodes (x, y) and (x+1, y): elements (x, y−1) and (x, y)
                int f = y * (nnx + 1) + x + 1;
                _kxX[f] = Avg(Pw(x, y - 1), Pw(x, y));
                _kxY[f] = Avg(Mu(x, y - 1), Mu(x, y));
            }
        for (int y = 0; y < _my; y++)
            for (int x = 0; x < nnx; x++)
            {
                // edge between nodes (x, y) and (x, y+1): elements (x−1, y) and (x, y)
                int f = (y + 1) * nnx + x;
                _kyX[f] = Avg(Mu(x - 1, y), Mu(x, y));
                _kyY[f] = Avg(Pw(x - 1, y), Pw(x, y));
            }
        _mgX.Build(nnx, nny, 1, _kxX, _kyX, _shift0, _fixX);
        _mgY.Build(nnx, nny, 1, _kxY, _kyY, _shift0, _fixY);
    }

    void Precondition()
    {
        int nodes = _rx.Length;
        for (int i = 0; i < nodes; i++) { _rx[i] = _r[2 * i]; _ry[i] = _r[2 * i + 1]; }
        _mgX.Apply(_rx, _zx);
        _mgY.Apply(_ry, _zy);
        for (int i = 0; i < nodes; i++)
        {
            _z[2 * i] = _fixedDof[2 * i] ? 0 : _zx[i];
            _z[2 * i + 1] = _fixedDof[2 * i + 1] ? 0 : _zy[i];
        }
    }

    void Pcg(double tolerance, int maxIterations)
    {
        int n = _u.Length;
        Apply(_u, _q);
        double rz = 0, bn = 0, rr = 0;
        for (int i = 0; i < n; i++)
        {
            _r[i] = _fixedDof[i] ? 0 : _f[i] - _q[i];
            bn += _f[i] * _f[i]; rr += _r[i] * _r[i];
        }
        Precondition();
        for (int i = 0; i < n; i++) { _p[i] = _z[i]; rz += _r[i] * _z[i]; }
        bn = Math.Sqrt(bn);
        if (bn == 0) { Array.Clear(_u); LastIterations = 0; return; }
        int it = 0;
        while (Math.Sqrt(rr) / bn > tolerance && it < maxIterations)
        {
            Apply(_p, _q);
            double pq = 0;
            for (int i = 0; i < n; i++) pq += _p[i] * _q[i];
            if (pq <= 0) break;
            double alpha = rz / pq, rzn = 0;
            rr = 0;
            for (int i = 0; i < n; i++)
            {
                _u[i] += alpha * _p[i];
                _r[i] -= alpha * _q[i];
                rr += _r[i] * _r[i];
            }
            Precondition();
            for (int i = 0; i < n; i++) rzn += _r[i] * _z[i];
            double beta = rzn / rz; rz = rzn;
            for (int i = 0; i < n; i++) _p[i] = _z[i] + beta * _p[i];
            it++;
        }
        LastIterations = it;
    }

    void Stresses(DendriteParameters p, double[] pressureMPa, double[] vonMisesMPa, double[] volStrain)
    {
        double nuS = p.SePoisson, nuL = p.LiPoisson;
        double lamS = nuS / ((1 + nuS) * (1 - 2 * nuS)), muS = 1 / (2 * (1 + nuS));
        double lamL = nuL / ((1 + nuL) * (1 - 2 * nuL)), muL = 1 / (2 * (1 + nuL));
        Span<int> dof = stackalloc int[8];
        double[] ds = [-0.5, 0.5, 0.5, -0.5], dt = [-0.5, -0.5, 0.5, 0.5];
        for (int ey = 0; ey < _my; ey++)
            for (int ex = 0; ex < _mx; ex++)
            {
                int e = ey * _mx + ex;
                Dofs(ex, ey, dof);
                double exx = 0, eyy = 0, gxy = 0;
                for (int k = 0; k < 4; k++)
                {
                    double ux = _u[dof[2 * k]], uy = _u[dof[2 * k + 1]];
                    exx += ds[k] * ux / _h; eyy += dt[k] * uy / _h; gxy += (dt[k] * ux + ds[k] * uy) / _h;
                }
                double a = _a[e], b = _b[e];
                double lam = a * lamS + b * lamL, twoMu = 2 * (a * muS + b * muL);
                double sxx = (lam + twoMu) * exx + lam * eyy - _sxx[e];
                double syy = lam * exx + (lam + twoMu) * eyy - _syy[e];
                double szz = lam * (exx + eyy) - _szz[e];
                double txy = 0.5 * twoMu * gxy - _sxy[e];
                if (_epn != null)
                {
                    // the plastic strain of the Li part (deviatoric): σ −= b·2μ̃_L εᵖ
                    double s2 = b * 2 * muL;
                    sxx -= s2 * _epn[4 * e]; syy -= s2 * _epn[4 * e + 1]; szz -= s2 * _epn[4 * e + 2]; txy -= s2 * _epn[4 * e + 3];
                }
                double pm = -(sxx + syy + szz) / 3;
                double vm = Math.Sqrt(0.5 * ((sxx - syy) * (sxx - syy) + (syy - szz) * (syy - szz) + (szz - sxx) * (szz - sxx)) + 3 * txy * txy);
                for (int yy = 0; yy < _m; yy++)
                    for (int xx = 0; xx < _m; xx++)
                    {
                        int i = (ey * _m + yy) * _nx + ex * _m + xx;
                        pressureMPa[i] = pm; vonMisesMPa[i] = vm; volStrain[i] = exx + eyy;
                    }
            }
    }
}
