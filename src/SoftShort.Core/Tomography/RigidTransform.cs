namespace SoftShort.Tomography;

/// <summary>
/// A rigid motion of a volume about a centre: q = R (p − c) + c + t, with R = R_z(γ) · R_y(β) · R_x(α) (rotations about
/// the x, y and z axes, applied in the order x, then y, then z: the "Z-Y-X" composition), p and q in (x, y, z) voxel
/// (or any common length) coordinates; x = column, y = row, z = slice. Angles in degrees; positive angles rotate
/// counter-clockwise in a right-handed frame.
/// </summary>
public readonly record struct RigidTransform(double RotXDeg, double RotYDeg, double RotZDeg, double Tx, double Ty, double Tz)
{
    public static RigidTransform Identity => default;

    /// <summary>The rotation matrix R = R_z R_y R_x, row-major 3×3.</summary>
    public double[] Matrix()
    {
        double a = RotXDeg * Math.PI / 180, b = RotYDeg * Math.PI / 180, g = RotZDeg * Math.PI / 180;
        double ca = Math.Cos(a), sa = Math.Sin(a), cb = Math.Cos(b), sb = Math.Sin(b), cg = Math.Cos(g), sg = Math.Sin(g);
        return
        [
            cg * cb, cg * sb * sa - sg * ca, cg * sb * ca + sg * sa,
            sg * cb, sg * sb * sa + cg * ca, sg * sb * ca - cg * sa,
            -sb, cb * sa, cb * ca,
        ];
    }

    /// <summary>Maps p to q = R (p − c) + c + t.</summary>
    public (double X, double Y, double Z) Apply(double x, double y, double z, double cx, double cy, double cz)
    {
        var m = Matrix();
        double dx = x - cx, dy = y - cy, dz = z - cz;
        return (m[0] * dx + m[1] * dy + m[2] * dz + cx + Tx, m[3] * dx + m[4] * dy + m[5] * dz + cy + Ty, m[6] * dx + m[7] * dy + m[8] * dz + cz + Tz);
    }

    /// <summary>Maps q back to p = Rᵀ (q − c − t) + c.</summary>
    public (double X, double Y, double Z) ApplyInverse(double x, double y, double z, double cx, double cy, double cz)
    {
        var m = Matrix();
        double dx = x - cx - Tx, dy = y - cy - Ty, dz = z - cz - Tz;
        return (m[0] * dx + m[3] * dy + m[6] * dz + cx, m[1] * dx + m[4] * dy + m[7] * dz + cy, m[2] * dx + m[5] * dy + m[8] * dz + cz);
    }

    /// <summary>The same motion with translations scaled (e.g. voxels → µm).</summary>
    public RigidTransform ScaleTranslation(double f) => this with { Tx = Tx * f, Ty = Ty * f, Tz = Tz * f };
}
