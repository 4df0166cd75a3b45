using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace SoftShort.IO;

/// <summary>
/// HDF5 volume reader (PureHDF, managed, no native library): <c>FILE.h5</c> (also .hdf5/.hdf/.nxs) opens the first 3D
/// numeric dataset found; <c>FILE.h5:/group/dataset</c> names one. The dataset is [z, y, x] of uint8/int8/uint16/int16/
/// uint32/int32/float32/float64, little- or big-endian (big-endian data are read as raw bytes and byte-swapped here,
/// since PureHDF does not convert byte order), contiguous, compact or chunked (deflate/shuffle filters are built in). Each <see cref="ReadSlice"/>
/// reads one z-slice through a hyperslab selection, so memory stays at one slice. Spacing comes from a 3-value
/// <c>element_size_um</c> attribute (z, y, x, as ImageJ/ilastik write it) when present, else it is unknown.
/// </summary>
public sealed class Hdf5Source : IVolumeSource
{
    static readonly string[] Extensions = [".h5", ".hdf5", ".hdf", ".nxs"];
    static readonly byte[] Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1a, (byte)'\n'];

    readonly NativeFile _file;
    readonly NativeDataset _ds;
    readonly VoxelType _type;
    readonly byte[] _buf;
    readonly bool _bigEndian;

    /// <summary>The file and dataset, as <c>FILE.h5:/path/to/dataset</c>.</summary>
    public string Path { get; }
    /// <summary>The HDF5 path of the dataset read (e.g. <c>/entry/data/data</c>).</summary>
    public string DatasetPath { get; }
    public int Depth { get; }
    public int Height { get; }
    public int Width { get; }
    public VolumeSpacing Spacing { get; }
    /// <summary>Byte order of the stored data: "little-endian" or "big-endian" (swapped on read).</summary>
    public string ByteOrder { get; } = "little-endian";

    /// <summary>True if <paramref name="path"/> names an HDF5 file by extension, with or without a <c>:/dataset</c> suffix.</summary>
    public static bool TrySplit(string path, out string file, out string? dataset)
    {
        file = path; dataset = null;
        foreach (var ext in Extensions)
        {
            int i = path.IndexOf(ext + ":", StringComparison.OrdinalIgnoreCase);
            if (i > 0)
            {
                file = path[..(i + ext.Length)];
                dataset = path[(i + ext.Length + 1)..];
                if (dataset.Length == 0) dataset = null;
                return true;
            }
        }
        return Extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Opens <paramref name="file"/> and the dataset at <paramref name="dataset"/> (null: the first 3D numeric dataset).</summary>
    public Hdf5Source(string file, string? dataset = null)
    {
        InputException.Require(File.Exists(file), file, "file not found");
        InputException.Require(HasSignature(file), file, "not an HDF5 file (no HDF5 signature)");
        try { _file = H5File.OpenRead(file); }
        catch (Exception e) when (e is not InputException) { throw Corrupt(file, e); }
        try
        {
            var all = Datasets(_file);
            IH5Dataset ds;
            if (dataset is null)
            {
                var first = all.FirstOrDefault(d => d.Rank == 3 && d.Type is not null);
                if (first.Path is null)
                    throw new InputException(file, $"no 3D numeric dataset found; datasets in the file: {List(all)}");
                ds = first.Dataset;
            }
            else
            {
                string want = "/" + dataset.Replace('\\', '/').Trim('/');
                var hit = all.FirstOrDefault(d => d.Path == want);
                if (hit.Path is null)
                    throw new InputException(file, $"dataset '{want}' not found; datasets in the file: {List(all)}");
                ds = hit.Dataset;
            }
            var info = Describe(ds);
            DatasetPath = dataset is null ? all.First(d => ReferenceEquals(d.Dataset, ds)).Path : "/" + dataset.Replace('\\', '/').Trim('/');
            Path = $"{file}:{DatasetPath}";
            InputException.Require(info.Rank == 3, Path, $"dataset is {info.Rank}D ({Shape(info.Dims)}): only 3D [z, y, x] volumes are supported");
            _type = info.Type ?? throw new InputException(Path, $"unsupported element type {info.TypeName} (uint8/int8/uint16/int16/uint32/int32/float32/float64)");
            InputException.Require(info.Dims.All(n => n is > 0 and <= int.MaxValue), Path, $"shape {Shape(info.Dims)} must be positive and fit in int");
            (Depth, Height, Width) = ((int)info.Dims[0], (int)info.Dims[1], (int)info.Dims[2]);
            InputException.Require((long)Height * Width * VolumeIO.SizeOf(_type) <= Array.MaxLength, Path, $"slice {Height}×{Width} is too large");
            _ds = ds as NativeDataset ?? throw new InputException(Path, "dataset cannot be read");
            Spacing = SpacingOf(ds, Path);
            _buf = new byte[(long)Height * Width * VolumeIO.SizeOf(_type)];
            // Probe one voxel: PureHDF refuses to convert big-endian data ("byte order"); those are read as raw bytes and
            // swapped here. Any other failure (a filter or layout the reader lacks) is reported now, naming the layout.
            var one = new HyperslabSelection(3, [0, 0, 0], [1, 1, 1]);
            try { ReadInto(one, _buf.AsSpan(0, VolumeIO.SizeOf(_type)), [1, 1, 1]); }
            catch (Exception e) when (e.Message.Contains("byte order", StringComparison.OrdinalIgnoreCase))
            {
                _bigEndian = true;
            }
            ByteOrder = _bigEndian ? "big-endian" : "little-endian";
            try { ReadInto(one, _buf.AsSpan(0, VolumeIO.SizeOf(_type)), [1, 1, 1]); }
            catch (Exception e) when (e is not InputException)
            {
                throw new InputException(Path, $"{ByteOrder} {info.TypeName} data in a {LayoutText(ds)} layout cannot be read: {OneLine(e)}");
            }
        }
        catch (Exception e)
        {
            _file.Dispose();
            if (e is InputException) throw;
            throw Corrupt(file, e);
        }
    }

    public void ReadSlice(int z, Span<float> dst)
    {
        if ((uint)z >= (uint)Depth) throw new ArgumentOutOfRangeException(nameof(z), z, $"slice index outside 0..{Depth - 1}");
        var sel = new HyperslabSelection(3, [(ulong)z, 0, 0], [1, (ulong)Height, (ulong)Width]);
        ulong[] memDims = [1, (ulong)Height, (ulong)Width];
        try { ReadInto(sel, _buf, memDims); }
        catch (Exception e) when (e is not InputException)
        {
            throw new InputException(Path, $"slice {z} cannot be read (file truncated or corrupt?): {OneLine(e)}");
        }
        VolumeIO.ToFloat(_buf, _type, dst);
    }

    void ReadInto(Selection sel, Span<byte> b, ulong[] memDims)
    {
        if (_bigEndian)
        {
            // raw bytes as stored (PureHDF copies them without conversion, after its deflate/shuffle filters), then swapped
            _ds.Read(b, sel, null, null);
            SwapBytes(b, VolumeIO.SizeOf(_type));
            return;
        }
        switch (_type)
        {
            case VoxelType.UInt8: _ds.Read(b, sel, null, memDims); break;
            case VoxelType.Int8: _ds.Read(MemoryMarshal.Cast<byte, sbyte>(b), sel, null, memDims); break;
            case VoxelType.UInt16: _ds.Read(MemoryMarshal.Cast<byte, ushort>(b), sel, null, memDims); break;
            case VoxelType.Int16: _ds.Read(MemoryMarshal.Cast<byte, short>(b), sel, null, memDims); break;
            case VoxelType.UInt32: _ds.Read(MemoryMarshal.Cast<byte, uint>(b), sel, null, memDims); break;
            case VoxelType.Int32: _ds.Read(MemoryMarshal.Cast<byte, int>(b), sel, null, memDims); break;
            case VoxelType.Float32: _ds.Read(MemoryMarshal.Cast<byte, float>(b), sel, null, memDims); break;
            default: _ds.Read(MemoryMarshal.Cast<byte, double>(b), sel, null, memDims); break;
        }
    }

    public void Dispose() => _file.Dispose();

    /// <summary>Reverses the byte order of every <paramref name="size"/>-byte element of <paramref name="b"/> in place (vectorised).</summary>
    internal static void SwapBytes(Span<byte> b, int size)
    {
        switch (size)
        {
            case 1: break;
            case 2: { var u = MemoryMarshal.Cast<byte, ushort>(b); BinaryPrimitives.ReverseEndianness(u, u); break; }
            case 4: { var u = MemoryMarshal.Cast<byte, uint>(b); BinaryPrimitives.ReverseEndianness(u, u); break; }
            case 8: { var u = MemoryMarshal.Cast<byte, ulong>(b); BinaryPrimitives.ReverseEndianness(u, u); break; }
            default: throw new ArgumentOutOfRangeException(nameof(size), size, "element size 1, 2, 4 or 8");
        }
    }

    /// <summary>"contiguous", "compact", "chunked (a×b×c)" and the filters where PureHDF lists them.</summary>
    static string LayoutText(IH5Dataset ds)
    {
        try
        {
            var l = ds.Layout;
            string text = l.Class.ToString().ToLowerInvariant();
            if (l.Class == H5DataLayoutClass.Chunked && l.Chunks is { Length: > 0 } c) text += $" ({string.Join("×", c.Take(3).Select(x => x.ToString(CultureInfo.InvariantCulture)))})";
            return text;
        }
        catch (Exception e) when (e is not InputException) { return "unknown"; }
    }

    static InputException Corrupt(string file, Exception e) => new(file, $"cannot be read as HDF5 (file truncated or corrupt?): {OneLine(e)}", e);

    static string OneLine(Exception e) => (e.GetType() == typeof(Exception) ? "" : e.GetType().Name + ": ") + e.Message.ReplaceLineEndings(" ");

    static bool HasSignature(string file)
    {
        using var fs = File.OpenRead(file);
        Span<byte> b = stackalloc byte[8];
        // The superblock sits at 0, 512, 1024, 2048, … (a user block may precede it).
        for (long at = 0; at + 8 <= fs.Length; at = at == 0 ? 512 : at * 2)
        {
            fs.Position = at;
            fs.ReadExactly(b);
            if (b.SequenceEqual(Signature)) return true;
        }
        return false;
    }

    readonly record struct DatasetInfo(int Rank, ulong[] Dims, VoxelType? Type, string TypeName);

    static DatasetInfo Describe(IH5Dataset ds)
    {
        var dims = ds.Space.Dimensions;
        var t = ds.Type;
        VoxelType? vt = (t.Class, t.Size) switch
        {
            (H5DataTypeClass.FixedPoint, 1) => t.FixedPoint.IsSigned ? VoxelType.Int8 : VoxelType.UInt8,
            (H5DataTypeClass.FixedPoint, 2) => t.FixedPoint.IsSigned ? VoxelType.Int16 : VoxelType.UInt16,
            (H5DataTypeClass.FixedPoint, 4) => t.FixedPoint.IsSigned ? VoxelType.Int32 : VoxelType.UInt32,
            (H5DataTypeClass.FloatingPoint, 4) => VoxelType.Float32,
            (H5DataTypeClass.FloatingPoint, 8) => VoxelType.Float64,
            _ => null,
        };
        string name = vt?.ToString().ToLowerInvariant() ?? t.Class switch
        {
            H5DataTypeClass.FixedPoint => $"{(t.FixedPoint.IsSigned ? "int" : "uint")}{t.Size * 8}",
            H5DataTypeClass.FloatingPoint => $"float{t.Size * 8}",
            var c => c.ToString().ToLowerInvariant(),
        };
        return new DatasetInfo(dims.Length, dims, vt, name);
    }

    readonly record struct Found(string Path, IH5Dataset Dataset, int Rank, VoxelType? Type, string Text);

    /// <summary>All datasets in the file, depth first in link order.</summary>
    static List<Found> Datasets(IH5Group root)
    {
        var list = new List<Found>();
        void Walk(IH5Group g, string prefix, int depth)
        {
            if (depth > 32) return;
            foreach (var child in g.Children())
            {
                string p = prefix + "/" + child.Name;
                if (child is IH5Dataset d)
                {
                    try
                    {
                        var i = Describe(d);
                        list.Add(new Found(p, d, i.Rank, i.Type, $"{p} ({i.TypeName} {Shape(i.Dims)})"));
                    }
                    catch (Exception e) when (e is not InputException) { list.Add(new Found(p, d, -1, null, $"{p} (unreadable)")); }
                }
                else if (child is IH5Group sub) Walk(sub, p, depth + 1);
            }
        }
        Walk(root, "", 0);
        return list;
    }

    static string List(List<Found> all) => all.Count == 0 ? "none" : string.Join(", ", all.Take(20).Select(f => f.Text)) + (all.Count > 20 ? $", … ({all.Count} in all)" : "");

    static string Shape(ulong[] dims) => dims.Length == 0 ? "scalar" : string.Join("×", dims.Select(d => d.ToString(CultureInfo.InvariantCulture)));

    static VolumeSpacing SpacingOf(IH5Dataset ds, string subject)
    {
        const string name = "element_size_um";
        if (!ds.AttributeExists(name)) return VolumeSpacing.Unknown;
        var a = ds.Attribute(name);
        double[] v = (a.Type.Class, a.Type.Size) switch
        {
            (H5DataTypeClass.FloatingPoint, 4) => a.Read<float[]>().Select(f => (double)f).ToArray(),
            (H5DataTypeClass.FloatingPoint, 8) => a.Read<double[]>(),
            (H5DataTypeClass.FixedPoint, 4) when a.Type.FixedPoint.IsSigned => a.Read<int[]>().Select(f => (double)f).ToArray(),
            _ => throw new InputException(subject, $"attribute {name} must be floating-point numbers (z, y, x)"),
        };
        InputException.Require(v.Length == 3, subject, $"attribute {name} has {v.Length} values; 3 are needed (z, y, x)");
        return new VolumeSpacing(v[0], v[1], v[2]).Validated($"{subject} attribute {name}");
    }
}
