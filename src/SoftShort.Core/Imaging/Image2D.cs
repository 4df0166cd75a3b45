namespace SoftShort.Imaging;

/// <summary>
/// A 2D image, row-major <c>[y, x]</c> (CONVENTIONS.md): x grows to the right, y downwards, pixel (0, 0) top-left.
/// A thin owner of a contiguous buffer; algorithms work on <see cref="Span{T}"/> rows.
/// </summary>
public sealed class Image2D<T> where T : unmanaged
{
    public int Width { get; }
    public int Height { get; }
    /// <summary>The pixels, row after row (length Width·Height).</summary>
    public T[] Pixels { get; }
    /// <summary>Pixel size in µm (x, y); NaN when unknown.</summary>
    public double PixelSizeXUm { get; init; } = double.NaN;
    public double PixelSizeYUm { get; init; } = double.NaN;

    public Image2D(int width, int height) : this(width, height, new T[checked(width * height)]) { }

    public Image2D(int width, int height, T[] pixels)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}×{height} must be positive");
        if (pixels.Length != (long)width * height) throw new ArgumentException($"buffer holds {pixels.Length} pixels, {width}×{height} needs {(long)width * height}");
        Width = width; Height = height; Pixels = pixels;
    }

    public Span<T> AsSpan() => Pixels;
    public Span<T> Row(int y) => Pixels.AsSpan(y * Width, Width);
    public ref T this[int y, int x] => ref Pixels[y * Width + x];

    public Image2D<T> Clone() => new(Width, Height, (T[])Pixels.Clone()) { PixelSizeXUm = PixelSizeXUm, PixelSizeYUm = PixelSizeYUm };

    public bool SameShape<TOther>(Image2D<TOther> other) where TOther : unmanaged => other.Width == Width && other.Height == Height;
}

/// <summary>
/// A 3D volume <c>[z, y, x]</c> stored as one contiguous array per z-slice, so that volumes past 2³¹ voxels
/// (real XCT data) are representable; voxel counts and offsets are 64-bit.
/// </summary>
public sealed class Volume3D<T> where T : unmanaged
{
    public int Depth { get; }
    public int Height { get; }
    public int Width { get; }
    /// <summary>Voxel spacing in µm along z, y, x; NaN when unknown.</summary>
    public double SpacingZUm { get; init; } = double.NaN;
    public double SpacingYUm { get; init; } = double.NaN;
    public double SpacingXUm { get; init; } = double.NaN;

    readonly T[][] _slices;

    public Volume3D(int depth, int height, int width)
    {
        if (depth <= 0 || height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(depth), $"volume shape {depth}×{height}×{width} must be positive");
        Depth = depth; Height = height; Width = width;
        _slices = new T[depth][];
        for (int z = 0; z < depth; z++) _slices[z] = new T[checked(height * width)];
    }

    public Volume3D(int height, int width, IReadOnlyList<T[]> slices)
    {
        Depth = slices.Count; Height = height; Width = width;
        _slices = new T[Depth][];
        for (int z = 0; z < Depth; z++)
        {
            if (slices[z].Length != (long)height * width) throw new ArgumentException($"slice {z} holds {slices[z].Length} voxels, expected {(long)height * width}");
            _slices[z] = slices[z];
        }
    }

    public long VoxelCount => (long)Depth * Height * Width;
    public long SliceVoxels => (long)Height * Width;

    public Span<T> Slice(int z) => _slices[z];
    public T[] SliceArray(int z) => _slices[z];
    public Span<T> Row(int z, int y) => _slices[z].AsSpan(y * Width, Width);
    public ref T this[int z, int y, int x] => ref _slices[z][y * Width + x];
    /// <summary>Voxel by 64-bit linear index in raster order (z, then y, then x).</summary>
    public ref T At(long index) => ref _slices[index / SliceVoxels][index % SliceVoxels];
}
