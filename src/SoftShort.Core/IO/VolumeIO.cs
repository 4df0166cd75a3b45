using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using SoftShort.Imaging;

namespace SoftShort.IO;

/// <summary>Voxel spacing in µm along z, y, x (anisotropic allowed; every value finite and positive).</summary>
public readonly record struct VolumeSpacing(double ZUm, double YUm, double XUm)
{
    public double VoxelVolumeUm3 => ZUm * YUm * XUm;
    public bool IsKnown => double.IsFinite(ZUm) && double.IsFinite(YUm) && double.IsFinite(XUm);
    public static VolumeSpacing Unknown => new(double.NaN, double.NaN, double.NaN);

    /// <summary>Checks that all three spacings are finite and positive; names <paramref name="subject"/> otherwise.</summary>
    public VolumeSpacing Validated(string subject)
    {
        foreach (var v in new[] { ZUm, YUm, XUm })
            InputException.Require(double.IsFinite(v) && v > 0, subject, $"voxel spacing {ZUm.ToString(CultureInfo.InvariantCulture)},{YUm.ToString(CultureInfo.InvariantCulture)},{XUm.ToString(CultureInfo.InvariantCulture)} µm: every value must be finite and > 0");
        return this;
    }

    /// <summary>Parses "S" (isotropic) or "Z,Y,X" in µm.</summary>
    public static VolumeSpacing Parse(string text, string option = "--spacing-um")
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var v = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            InputException.Require(double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]), option, $"'{text}' is not a number or Z,Y,X list");
        InputException.Require(parts.Length is 1 or 3, option, $"'{text}': give one value (isotropic) or Z,Y,X");
        var s = parts.Length == 1 ? new VolumeSpacing(v[0], v[0], v[0]) : new VolumeSpacing(v[0], v[1], v[2]);
        return s.Validated(option);
    }
}

/// <summary>Element types of raw volumes.</summary>
public enum VoxelType { UInt8, Int8, UInt16, Int16, UInt32, Int32, Float32, Float64 }

/// <summary>
/// Sidecar description of a volume (<c>FILE.json</c> next to <c>FILE</c>): spacing for any format, and for raw files the
/// shape, element type, byte order and header size. Example:
/// <c>{"shape_zyx":[2000,1300,1300],"dtype":"uint16","byte_order":"little","spacing_um":[1.62,1.62,1.62],"header_bytes":0}</c>.
/// </summary>
public static class VolumeSidecar
{
    public static string PathFor(string volumePath) => volumePath.TrimEnd('/', '\\') + ".json";

    /// <summary>Writes a sidecar with the spacing (and, for raw files, the layout).</summary>
    public static void Write(string volumePath, VolumeSpacing spacing, (int D, int H, int W)? shape = null, VoxelType? type = null, bool bigEndian = false, long headerBytes = 0)
    {
        var o = new JsonObject { ["spacing_um"] = new JsonArray(spacing.ZUm, spacing.YUm, spacing.XUm) };
        if (shape is { } s)
        {
            o["shape_zyx"] = new JsonArray(s.D, s.H, s.W);
            o["dtype"] = (type ?? VoxelType.UInt16).ToString().ToLowerInvariant();
            o["byte_order"] = bigEndian ? "big" : "little";
            o["header_bytes"] = headerBytes;
        }
        AtomicFile.WriteAllText(PathFor(volumePath), o.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Reads a sidecar if present (null otherwise).</summary>
    public static JsonObject? TryRead(string volumePath)
    {
        string p = PathFor(volumePath);
        if (!File.Exists(p)) return null;
        try { return JsonNode.Parse(File.ReadAllText(p)) as JsonObject ?? throw new InputException(p, "not a JSON object"); }
        catch (JsonException e) { throw new InputException(p, $"invalid JSON ({e.Message.ReplaceLineEndings(" ")})"); }
    }

    internal static VolumeSpacing SpacingOf(JsonObject? o, string path)
    {
        if (o?["spacing_um"] is not JsonArray a) return VolumeSpacing.Unknown;
        try
        {
            var v = a.Select(n => n!.GetValue<double>()).ToArray();
            InputException.Require(v.Length is 1 or 3, PathFor(path), "spacing_um must have 1 or 3 values (z, y, x)");
            return (v.Length == 1 ? new VolumeSpacing(v[0], v[0], v[0]) : new VolumeSpacing(v[0], v[1], v[2])).Validated(PathFor(path));
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new InputException(PathFor(path), "spacing_um must be numbers");
        }
    }
}

/// <summary>
/// A volume read slice by slice (z = page/slice index): only one slice needs to be in memory, so slice-wise passes over
/// volumes larger than RAM stream. Readers are not thread-safe; read slices from one thread.
/// </summary>
public interface IVolumeSource : IDisposable
{
    string Path { get; }
    int Depth { get; }
    int Height { get; }
    int Width { get; }
    VolumeSpacing Spacing { get; }
    /// <summary>Reads slice z as float32 into <paramref name="dst"/> (length Height·Width).</summary>
    void ReadSlice(int z, Span<float> dst);
}

/// <summary>
/// Volume readers and writers: multi-page TIFF/BigTIFF (8/16/32-bit integer, float32/64), a folder of single-page TIFF
/// slices, raw files described by a sidecar or explicit layout, NRRD (raw and gzip encodings, attached or detached data),
/// HDF5 (<see cref="Hdf5Source"/>) and in-memory volumes. Spacing: the explicit <c>--spacing-um</c>, else the sidecar/NRRD header, else unknown.
/// </summary>
public static class VolumeIO
{
    /// <summary>Opens a volume by path: .h5/.hdf5/.hdf/.nxs (optionally <c>FILE.h5:/dataset</c>) → HDF5; a folder → TIFF slices; .nrrd/.nhdr → NRRD; .raw/.bin/.vol with a sidecar → raw; otherwise TIFF.</summary>
    public static IVolumeSource Open(string path, VolumeSpacing? spacingOverride = null)
    {
        InputException.Require(!string.IsNullOrWhiteSpace(path), "--in", "no input volume given");
        IVolumeSource src;
        if (Hdf5Source.TrySplit(path, out var h5File, out var h5Dataset)) src = new Hdf5Source(h5File, h5Dataset);
        else if (Directory.Exists(path)) src = new TiffFolderSource(path);
        else
        {
            InputException.Require(File.Exists(path), path, "file not found");
            string ext = System.IO.Path.GetExtension(path).ToLowerInvariant();
            src = ext switch
            {
                ".nrrd" or ".nhdr" => new NrrdSource(path),
                ".raw" or ".bin" or ".vol" or ".dat" => RawSource.FromSidecar(path),
                _ => new TiffPagesSource(path),
            };
        }
        if (spacingOverride is { } s) return new Respaced(src, s.Validated("--spacing-um"));
        var side = VolumeSidecar.TryRead(path);
        var sp = VolumeSidecar.SpacingOf(side, path);
        return sp.IsKnown ? new Respaced(src, sp) : src;
    }

    /// <summary>Reads a whole volume into memory as float32.</summary>
    public static Volume3D<float> ReadAll(IVolumeSource src, IProgress<ProgressReport>? progress = null)
    {
        var v = new Volume3D<float>(src.Depth, src.Height, src.Width) { SpacingZUm = src.Spacing.ZUm, SpacingYUm = src.Spacing.YUm, SpacingXUm = src.Spacing.XUm };
        for (int z = 0; z < src.Depth; z++)
        {
            src.ReadSlice(z, v.Slice(z));
            if ((z & 15) == 0) progress?.Report(new ProgressReport("read volume", (double)z / src.Depth));
        }
        progress?.Report(new ProgressReport("read volume", 1));
        return v;
    }

    /// <summary>Opens and reads a whole volume (see <see cref="Open"/>).</summary>
    public static Volume3D<float> Read(string path, VolumeSpacing? spacingOverride = null, IProgress<ProgressReport>? progress = null)
    {
        using var s = Open(path, spacingOverride);
        return ReadAll(s, progress);
    }

    /// <summary>Wraps an in-memory volume as a source.</summary>
    public static IVolumeSource FromMemory<T>(Volume3D<T> v, string name = "memory") where T : unmanaged => new MemorySource<T>(v, name);

    /// <summary>Writes a raw volume (little-endian unless asked) and its sidecar, atomically.</summary>
    public static void WriteRaw<T>(string path, Volume3D<T> v, VolumeSpacing spacing, bool bigEndian = false) where T : unmanaged
    {
        var type = TypeOf<T>();
        AtomicFile.Write(path, s =>
        {
            for (int z = 0; z < v.Depth; z++)
            {
                var bytes = MemoryMarshal.AsBytes(v.Slice(z)).ToArray();
                if (bigEndian) SwapInPlace(bytes, Marshal.SizeOf<T>());
                s.Write(bytes);
            }
        });
        VolumeSidecar.Write(path, spacing, (v.Depth, v.Height, v.Width), type, bigEndian);
    }

    /// <summary>Writes an NRRD file (attached data; encoding "raw" or "gzip"), atomically.</summary>
    public static void WriteNrrd<T>(string path, Volume3D<T> v, VolumeSpacing spacing, string encoding = "raw") where T : unmanaged
    {
        InputException.Require(encoding is "raw" or "gzip", "encoding", $"'{encoding}': raw or gzip");
        string type = TypeOf<T>() switch
        {
            VoxelType.UInt8 => "uint8", VoxelType.Int8 => "int8", VoxelType.UInt16 => "uint16", VoxelType.Int16 => "int16",
            VoxelType.UInt32 => "uint32", VoxelType.Int32 => "int32", VoxelType.Float32 => "float", _ => "double",
        };
        string header = string.Create(CultureInfo.InvariantCulture,
            $"NRRD0004\ntype: {type}\ndimension: 3\nsizes: {v.Width} {v.Height} {v.Depth}\nspacings: {spacing.XUm} {spacing.YUm} {spacing.ZUm}\nunits: \"um\" \"um\" \"um\"\nendian: little\nencoding: {encoding}\n\n");
        AtomicFile.Write(path, s =>
        {
            s.Write(System.Text.Encoding.ASCII.GetBytes(header));
            Stream data = encoding == "gzip" ? new GZipStream(s, CompressionLevel.Fastest, leaveOpen: true) : s;
            for (int z = 0; z < v.Depth; z++) data.Write(MemoryMarshal.AsBytes(v.Slice(z)));
            if (data != s) data.Dispose();
        });
    }

    internal static VoxelType TypeOf<T>() where T : unmanaged => default(T) switch
    {
        byte => VoxelType.UInt8, sbyte => VoxelType.Int8, ushort => VoxelType.UInt16, short => VoxelType.Int16,
        uint => VoxelType.UInt32, int => VoxelType.Int32, float => VoxelType.Float32, double => VoxelType.Float64,
        _ => throw new NotSupportedException(typeof(T).Name),
    };

    internal static int SizeOf(VoxelType t) => t switch
    {
        VoxelType.UInt8 or VoxelType.Int8 => 1, VoxelType.UInt16 or VoxelType.Int16 => 2, VoxelType.Float64 => 8, _ => 4,
    };

    internal static void SwapInPlace(Span<byte> b, int size)
    {
        if (size == 1) return;
        for (int i = 0; i + size <= b.Length; i += size) b.Slice(i, size).Reverse();
    }

    /// <summary>Converts raw little-endian (after any swap) elements to float.</summary>
    internal static void ToFloat(ReadOnlySpan<byte> raw, VoxelType t, Span<float> dst)
    {
        switch (t)
        {
            case VoxelType.UInt8: for (int i = 0; i < dst.Length; i++) dst[i] = raw[i]; break;
            case VoxelType.Int8: for (int i = 0; i < dst.Length; i++) dst[i] = (sbyte)raw[i]; break;
            case VoxelType.UInt16: { var s = MemoryMarshal.Cast<byte, ushort>(raw); for (int i = 0; i < dst.Length; i++) dst[i] = s[i]; break; }
            case VoxelType.Int16: { var s = MemoryMarshal.Cast<byte, short>(raw); for (int i = 0; i < dst.Length; i++) dst[i] = s[i]; break; }
            case VoxelType.UInt32: { var s = MemoryMarshal.Cast<byte, uint>(raw); for (int i = 0; i < dst.Length; i++) dst[i] = s[i]; break; }
            case VoxelType.Int32: { var s = MemoryMarshal.Cast<byte, int>(raw); for (int i = 0; i < dst.Length; i++) dst[i] = s[i]; break; }
            case VoxelType.Float32: MemoryMarshal.Cast<byte, float>(raw)[..dst.Length].CopyTo(dst); break;
            case VoxelType.Float64: { var s = MemoryMarshal.Cast<byte, double>(raw); for (int i = 0; i < dst.Length; i++) dst[i] = (float)s[i]; break; }
        }
    }

    internal static VoxelType ParseType(string s, string subject) => s.Trim().ToLowerInvariant() switch
    {
        "uint8" or "uchar" or "unsigned char" or "uint8_t" => VoxelType.UInt8,
        "int8" or "signed char" or "int8_t" or "char" => VoxelType.Int8,
        "uint16" or "ushort" or "unsigned short" or "unsigned short int" or "uint16_t" => VoxelType.UInt16,
        "int16" or "short" or "short int" or "signed short" or "int16_t" => VoxelType.Int16,
        "uint32" or "uint" or "unsigned int" or "uint32_t" => VoxelType.UInt32,
        "int32" or "int" or "signed int" or "int32_t" => VoxelType.Int32,
        "float" or "float32" => VoxelType.Float32,
        "double" or "float64" => VoxelType.Float64,
        _ => throw new InputException(subject, $"unsupported element type '{s}'"),
    };

    sealed class Respaced(IVolumeSource inner, VolumeSpacing spacing) : IVolumeSource
    {
        public string Path => inner.Path;
        public int Depth => inner.Depth;
        public int Height => inner.Height;
        public int Width => inner.Width;
        public VolumeSpacing Spacing => spacing;
        public void ReadSlice(int z, Span<float> dst) => inner.ReadSlice(z, dst);
        public void Dispose() => inner.Dispose();
    }

    sealed class MemorySource<T>(Volume3D<T> v, string name) : IVolumeSource where T : unmanaged
    {
        public string Path => name;
        public int Depth => v.Depth;
        public int Height => v.Height;
        public int Width => v.Width;
        public VolumeSpacing Spacing => new(v.SpacingZUm, v.SpacingYUm, v.SpacingXUm);
        public void ReadSlice(int z, Span<float> dst)
        {
            var s = v.Slice(z);
            if (typeof(T) == typeof(float)) { MemoryMarshal.Cast<T, float>(s).CopyTo(dst); return; }
            ToFloat(MemoryMarshal.AsBytes(s), TypeOf<T>(), dst);
        }
        public void Dispose() { }
    }

    sealed class TiffPagesSource : IVolumeSource
    {
        readonly BitMiracle.LibTiff.Classic.Tiff _t;
        public string Path { get; }
        public int Depth { get; }
        public int Height { get; }
        public int Width { get; }
        public VolumeSpacing Spacing => VolumeSpacing.Unknown;
        public TiffPagesSource(string path)
        {
            Path = path;
            _t = Tiff.Open(path);
            (Width, Height, _) = Tiff.PageFormat(_t, path, 0);
            Depth = _t.NumberOfDirectories();
        }
        public void ReadSlice(int z, Span<float> dst)
        {
            if (!_t.SetDirectory((short)z)) throw new InputException(Path, $"page {z} cannot be read (file truncated?)");
            Tiff.ReadPageInto(_t, Path, z, Width, Height, dst);
        }
        public void Dispose() => _t.Dispose();
    }

    sealed class TiffFolderSource : IVolumeSource
    {
        readonly string[] _files;
        public string Path { get; }
        public int Depth => _files.Length;
        public int Height { get; }
        public int Width { get; }
        public VolumeSpacing Spacing => VolumeSpacing.Unknown;
        public TiffFolderSource(string dir)
        {
            Path = dir;
            _files = Directory.GetFiles(dir).Where(f => f.EndsWith(".tif", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".tiff", StringComparison.OrdinalIgnoreCase))
                .OrderBy(f => f, NaturalComparer.Instance).ToArray();
            InputException.Require(_files.Length > 0, dir, "folder holds no .tif/.tiff slices");
            var i0 = Tiff.ReadInfo(_files[0]);
            Width = i0.Width; Height = i0.Height;
            foreach (var f in _files.Skip(1))
            {
                var i = Tiff.ReadInfo(f);
                InputException.Require(i.Width == Width && i.Height == Height, f, $"slice is {i.Width}×{i.Height}, the first slice {System.IO.Path.GetFileName(_files[0])} is {Width}×{Height}");
            }
        }
        public void ReadSlice(int z, Span<float> dst)
        {
            using var t = Tiff.Open(_files[z]);
            Tiff.ReadPageInto(t, _files[z], 0, Width, Height, dst);
        }
        public void Dispose() { }
    }

    /// <summary>Orders "slice2" before "slice10".</summary>
    sealed class NaturalComparer : IComparer<string>
    {
        public static NaturalComparer Instance { get; } = new();
        public int Compare(string? a, string? b)
        {
            a ??= ""; b ??= "";
            int i = 0, j = 0;
            while (i < a.Length && j < b.Length)
            {
                if (char.IsDigit(a[i]) && char.IsDigit(b[j]))
                {
                    int si = i, sj = j;
                    while (i < a.Length && char.IsDigit(a[i])) i++;
                    while (j < b.Length && char.IsDigit(b[j])) j++;
                    var na = a[si..i].TrimStart('0'); var nb = b[sj..j].TrimStart('0');
                    int c = na.Length != nb.Length ? na.Length.CompareTo(nb.Length) : string.CompareOrdinal(na, nb);
                    if (c != 0) return c;
                }
                else
                {
                    int c = a[i].CompareTo(b[j]);
                    if (c != 0) return c;
                    i++; j++;
                }
            }
            return a.Length.CompareTo(b.Length);
        }
    }
}

/// <summary>A raw volume: shape, element type, byte order and header size given explicitly or by the sidecar. Slices are read by seeking.</summary>
public sealed class RawSource : IVolumeSource
{
    readonly FileStream _fs;
    readonly VoxelType _type;
    readonly bool _bigEndian;
    readonly long _header;
    readonly byte[] _buf;
    public string Path { get; }
    public int Depth { get; }
    public int Height { get; }
    public int Width { get; }
    public VolumeSpacing Spacing { get; }

    public RawSource(string path, int depth, int height, int width, VoxelType type, bool bigEndian = false, long headerBytes = 0, VolumeSpacing? spacing = null)
    {
        Path = path;
        InputException.Require(depth > 0 && height > 0 && width > 0, path, $"shape {depth}×{height}×{width} must be positive");
        InputException.Require(headerBytes >= 0, path, "header_bytes must be ≥ 0");
        Depth = depth; Height = height; Width = width; _type = type; _bigEndian = bigEndian; _header = headerBytes;
        Spacing = spacing ?? VolumeSpacing.Unknown;
        InputException.Require(File.Exists(path), path, "file not found");
        long expected = headerBytes + (long)depth * height * width * VolumeIO.SizeOf(type);
        long actual = new FileInfo(path).Length;
        InputException.Require(actual == expected, path, $"file holds {actual} bytes, shape {depth}×{height}×{width} {type.ToString().ToLowerInvariant()} with a {headerBytes}-byte header needs {expected}");
        _fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        _buf = new byte[(long)height * width * VolumeIO.SizeOf(type)];
    }

    /// <summary>Opens a raw file described by its sidecar <c>FILE.json</c>.</summary>
    public static RawSource FromSidecar(string path)
    {
        var o = VolumeSidecar.TryRead(path) ?? throw new InputException(path, $"raw file needs a sidecar {System.IO.Path.GetFileName(VolumeSidecar.PathFor(path))} with shape_zyx, dtype, byte_order, spacing_um");
        string side = VolumeSidecar.PathFor(path);
        try
        {
            var shape = (o["shape_zyx"] as JsonArray ?? throw new InputException(side, "shape_zyx missing")).Select(n => n!.GetValue<int>()).ToArray();
            InputException.Require(shape.Length == 3, side, "shape_zyx needs 3 values");
            var type = VolumeIO.ParseType(o["dtype"]?.GetValue<string>() ?? throw new InputException(side, "dtype missing"), side);
            string order = o["byte_order"]?.GetValue<string>() ?? "little";
            InputException.Require(order is "little" or "big", side, $"byte_order '{order}': little or big");
            long header = o["header_bytes"]?.GetValue<long>() ?? 0;
            return new RawSource(path, shape[0], shape[1], shape[2], type, order == "big", header, VolumeSidecar.SpacingOf(o, path) is { IsKnown: true } s ? s : null);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new InputException(side, $"malformed sidecar ({e.Message.ReplaceLineEndings(" ")})");
        }
    }

    public void ReadSlice(int z, Span<float> dst)
    {
        _fs.Position = _header + z * (long)_buf.Length;
        _fs.ReadExactly(_buf);
        if (_bigEndian) VolumeIO.SwapInPlace(_buf, VolumeIO.SizeOf(_type));
        VolumeIO.ToFloat(_buf, _type, dst);
    }

    public void Dispose() => _fs.Dispose();
}

/// <summary>
/// NRRD reader (Teem NRRD format, versions 1–5): 3D, scalar, encodings raw and gzip/gz, attached data or a detached
/// <c>data file</c>, spacing from <c>spacings</c> or diagonal <c>space directions</c> (assumed µm unless <c>units</c> says mm).
/// gzip data are read forward-only (going back re-opens the stream).
/// </summary>
public sealed class NrrdSource : IVolumeSource
{
    readonly string _dataPath;
    readonly long _dataOffset;
    readonly bool _gzip, _bigEndian;
    readonly VoxelType _type;
    readonly byte[] _buf;
    Stream? _stream;
    int _nextZ;
    public string Path { get; }
    public int Depth { get; }
    public int Height { get; }
    public int Width { get; }
    public VolumeSpacing Spacing { get; }

    public NrrdSource(string path)
    {
        Path = path;
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        long offset;
        using (var fs = File.OpenRead(path))
        {
            string magic = ReadLine(fs) ?? "";
            InputException.Require(magic.StartsWith("NRRD000", StringComparison.Ordinal), path, "not an NRRD file (no NRRD000x magic)");
            while (true)
            {
                string? line = ReadLine(fs);
                if (line is null || line.Length == 0) break;
                if (line.StartsWith('#')) continue;
                int c = line.IndexOf(": ", StringComparison.Ordinal);
                if (c < 0) { c = line.IndexOf(":=", StringComparison.Ordinal); if (c < 0) throw new InputException(path, $"malformed header line '{line}'"); continue; }
                fields[line[..c].Trim()] = line[(c + 2)..].Trim();
            }
            offset = fs.Position;
        }
        string F(string k) => fields.TryGetValue(k, out var v) ? v : throw new InputException(path, $"header field '{k}' missing");
        InputException.Require(F("dimension") == "3", path, $"dimension {F("dimension")}: only 3D scalar volumes are supported");
        _type = VolumeIO.ParseType(F("type"), path);
        var sizes = F("sizes").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => int.TryParse(s, CultureInfo.InvariantCulture, out int n) ? n : throw new InputException(path, $"sizes '{F("sizes")}' are not integers")).ToArray();
        InputException.Require(sizes.Length == 3 && sizes.All(n => n > 0), path, $"sizes '{F("sizes")}' must be 3 positive integers");
        (Width, Height, Depth) = (sizes[0], sizes[1], sizes[2]);
        string enc = F("encoding").ToLowerInvariant();
        InputException.Require(enc is "raw" or "gzip" or "gz", path, $"encoding '{enc}' is not supported (raw or gzip)");
        _gzip = enc != "raw";
        _bigEndian = fields.TryGetValue("endian", out var en) && en.Equals("big", StringComparison.OrdinalIgnoreCase);
        double unit = fields.TryGetValue("units", out var u) && u.Contains("mm", StringComparison.Ordinal) ? 1000 : 1;
        if (fields.TryGetValue("spacings", out var sp))
        {
            var v = sp.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : double.NaN).ToArray();
            InputException.Require(v.Length == 3, path, $"spacings '{sp}' need 3 values");
            Spacing = new VolumeSpacing(v[2] * unit, v[1] * unit, v[0] * unit).Validated(path);
        }
        else if (fields.TryGetValue("space directions", out var sd))
        {
            var vecs = sd.Split(')', StringSplitOptions.RemoveEmptyEntries).Select(t => t.Trim().TrimStart('(').Split(',').Select(s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray()).ToArray();
            InputException.Require(vecs.Length == 3, path, "space directions need 3 vectors");
            double Len(double[] a) => Math.Sqrt(a.Sum(x => x * x));
            Spacing = new VolumeSpacing(Len(vecs[2]) * unit, Len(vecs[1]) * unit, Len(vecs[0]) * unit).Validated(path);
        }
        else Spacing = VolumeSpacing.Unknown;
        if (fields.TryGetValue("data file", out var df) || fields.TryGetValue("datafile", out df))
        {
            _dataPath = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, df);
            InputException.Require(File.Exists(_dataPath), path, $"detached data file '{df}' not found");
            _dataOffset = 0;
        }
        else { _dataPath = path; _dataOffset = offset; }
        _buf = new byte[(long)Height * Width * VolumeIO.SizeOf(_type)];
        if (!_gzip)
        {
            long need = _dataOffset + (long)Depth * _buf.Length;
            long have = new FileInfo(_dataPath).Length;
            InputException.Require(have >= need, path, $"data hold {have - _dataOffset} bytes, sizes {Width}×{Height}×{Depth} {_type.ToString().ToLowerInvariant()} need {need - _dataOffset} (file truncated?)");
        }
    }

    static string? ReadLine(Stream s)
    {
        var sb = new System.Text.StringBuilder();
        int b;
        while ((b = s.ReadByte()) >= 0)
        {
            if (b == '\n') return sb.ToString().TrimEnd('\r');
            sb.Append((char)b);
            if (sb.Length > 65536) return null;
        }
        return sb.Length > 0 ? sb.ToString() : null;
    }

    public void ReadSlice(int z, Span<float> dst)
    {
        if (_stream is null || z < _nextZ || !_gzip)
        {
            if (_stream is null || z < _nextZ)
            {
                _stream?.Dispose();
                var fs = new FileStream(_dataPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                fs.Position = _dataOffset;
                _stream = _gzip ? new GZipStream(fs, CompressionMode.Decompress) : fs;
                _nextZ = 0;
            }
            if (!_gzip) { _stream.Position = _dataOffset + z * (long)_buf.Length; _nextZ = z; }
        }
        try
        {
            while (_nextZ < z) { _stream.ReadExactly(_buf); _nextZ++; }
            _stream.ReadExactly(_buf);
            _nextZ = z + 1;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw new InputException(Path, $"slice {z}: data end early or are corrupt ({e.Message.ReplaceLineEndings(" ")})");
        }
        if (_bigEndian) VolumeIO.SwapInPlace(_buf, VolumeIO.SizeOf(_type));
        VolumeIO.ToFloat(_buf, _type, dst);
    }

    public void Dispose() => _stream?.Dispose();
}
