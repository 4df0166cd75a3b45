namespace SoftShort.Mechanics;

public sealed partial class AxiSolid
{
    /// <summary>
    /// Penalty force and tangent of a <see cref="SurfaceContact"/> on the current positions x = X + u. The node is projected onto the segment
    /// (a, b) of the surface nearest to it; a node beyond the first or the last surface node (projection outside the whole polyline) is open.
    /// With t = b − a, n = (−t_z, t_r)/|t| and ξ the projection parameter, g = (x − a)·n (n ⊥ t, so ξ does not enter g) and the gradient of
    /// Π = ½ k A g² is exactly f_x = kAg n, f_a = −(1 − ξ) kAg n, f_b = −ξ kAg n (∂n/∂t = −t̂ nᵀ/|t| contributes −ξ n to ∂g/∂b and +ξ n to
    /// ∂g/∂a); the tangent is the derivative of these six force components, by central differences (step 10⁻⁶ of the segment length).
    /// </summary>
    /// <summary>A node whose projection lies beyond the first or last surface node by more than this fraction of the end segment is open (the
    /// tolerance keeps a node sitting exactly at an end, e.g. on the axis, from flickering between open and closed by round-off).</summary>
    const double EndTolerance = 1e-3;

    void SurfaceForce(SurfaceContact sc, bool assemble, double[] fint)
    {
        var s = sc.Surface;
        double xr = Mesh.R[sc.Node] + U[2 * sc.Node], xz = Mesh.Z[sc.Node] + U[2 * sc.Node + 1];
        int best = -1; double dBest = double.PositiveInfinity;
        for (int k = 0; k + 1 < s.Length; k++)
        {
            double ar = Mesh.R[s[k]] + U[2 * s[k]], az = Mesh.Z[s[k]] + U[2 * s[k] + 1];
            double tr = Mesh.R[s[k + 1]] + U[2 * s[k + 1]] - ar, tz = Mesh.Z[s[k + 1]] + U[2 * s[k + 1] + 1] - az;
            double l2 = tr * tr + tz * tz;
            if (!(l2 > 0)) continue;
            double xi = ((xr - ar) * tr + (xz - az) * tz) / l2;
            if ((k == 0 && xi < -EndTolerance) || (k == s.Length - 2 && xi > 1 + EndTolerance)) continue; // beyond the ends of the surface
            xi = Math.Clamp(xi, 0, 1);
            double dr = xr - ar - xi * tr, dz = xz - az - xi * tz, d = dr * dr + dz * dz;
            if (d < dBest) { dBest = d; best = k; }
        }
        sc.NormalForcePerRadN = 0; sc.Segment = best; sc.GapMm = double.PositiveInfinity;
        if (best < 0) return;
        int na = s[best], nb = s[best + 1];
        Span<double> x = stackalloc double[6], f = stackalloc double[6], fp = stackalloc double[6], fm = stackalloc double[6];
        x[0] = xr; x[1] = xz;
        x[2] = Mesh.R[na] + U[2 * na]; x[3] = Mesh.Z[na] + U[2 * na + 1];
        x[4] = Mesh.R[nb] + U[2 * nb]; x[5] = Mesh.Z[nb] + U[2 * nb + 1];
        double kA = ContactPenaltyMPaPerMm * sc.AreaPerRadMm2;
        double g = SegmentForce(x, kA, f);
        sc.GapMm = g;
        if (g > 0) return; // touching (g = 0) counts as closed: zero force but a tangent, so a body that only touches is supported
        ReadOnlySpan<int> dof = [DofR(sc.Node), DofZ(sc.Node), DofR(na), DofZ(na), DofR(nb), DofZ(nb)];
        for (int i = 0; i < 6; i++) fint[dof[i]] += f[i];
        sc.NormalForcePerRadN = -kA * g;
        if (!assemble) return;
        double h = 1e-6 * Math.Sqrt((x[4] - x[2]) * (x[4] - x[2]) + (x[5] - x[3]) * (x[5] - x[3]));
        for (int l = 0; l < 6; l++)
        {
            int ql = _eq[dof[l]];
            if (ql < 0) continue;
            double keep = x[l];
            x[l] = keep + h; SegmentForce(x, kA, fp);
            x[l] = keep - h; SegmentForce(x, kA, fm);
            x[l] = keep;
            for (int k = 0; k < 6; k++)
            {
                int qk = _eq[dof[k]];
                if (qk >= 0) _k!.Add(qk, ql, (fp[k] - fm[k]) / (2 * h));
            }
        }
    }

    /// <summary>Forces of one node–segment pair (node x[0..1], segment a = x[2..3], b = x[4..5]) for the penalty kA; returns the gap (forces 0 if open).</summary>
    static double SegmentForce(ReadOnlySpan<double> x, double kA, Span<double> f)
    {
        double tr = x[4] - x[2], tz = x[5] - x[3], len = Math.Sqrt(tr * tr + tz * tz);
        double nr = -tz / len, nz = tr / len;
        double xi = Math.Clamp(((x[0] - x[2]) * tr + (x[1] - x[3]) * tz) / (len * len), 0, 1);
        double g = (x[0] - x[2] - xi * tr) * nr + (x[1] - x[3] - xi * tz) * nz;
        f.Clear();
        if (g > 0) return g;
        double fn = kA * g;
        f[0] = fn * nr; f[1] = fn * nz;
        f[2] = -(1 - xi) * fn * nr; f[3] = -(1 - xi) * fn * nz;
        f[4] = -xi * fn * nr; f[5] = -xi * fn * nz;
        return g;
    }
}
