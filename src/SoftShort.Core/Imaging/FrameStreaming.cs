using System.Collections.Concurrent;

namespace SoftShort.Imaging;

/// <summary>
/// Helpers for streaming frame pipelines: a bounded prefetch that produces the next items on a second thread while the
/// caller computes (I/O or a generator overlapped with compute), and a pool that recycles frame buffers so the
/// steady state allocates nothing per frame.
/// </summary>
public static class FrameStreaming
{
    /// <summary>
    /// Enumerates <paramref name="source"/> on a background thread, at most <paramref name="depth"/> items ahead of the
    /// consumer (memory stays bounded). Exceptions of the source are rethrown to the consumer as they are; disposing the
    /// enumerator early stops the producer.
    /// </summary>
    public static IEnumerable<T> Prefetch<T>(IEnumerable<T> source, int depth = 2, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        using var queue = new BlockingCollection<T>(depth);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        Exception? error = null;
        var producer = Task.Factory.StartNew(() =>
        {
            try
            {
                foreach (var item in source)
                {
                    if (stop.IsCancellationRequested) break;
                    queue.Add(item, stop.Token);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception e) { error = e; }
            finally { queue.CompleteAdding(); }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            foreach (var item in queue.GetConsumingEnumerable(cancel)) yield return item;
            producer.Wait(CancellationToken.None);
            if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        }
        finally
        {
            stop.Cancel();
            try { producer.Wait(CancellationToken.None); } catch (AggregateException) { }
        }
    }
}

/// <summary>
/// A pool of equally sized float buffers (frames). <see cref="Rent"/> reuses a returned buffer or allocates a new one, so the
/// number of buffers alive is the pipeline's own bound (group + prefetch depth), never more.
/// </summary>
public sealed class FrameBufferPool(long length)
{
    readonly ConcurrentBag<float[]> _free = [];
    int _allocated;

    /// <summary>Values per buffer.</summary>
    public long Length { get; } = length;
    /// <summary>Buffers allocated so far (the peak number alive).</summary>
    public int Allocated => _allocated;

    /// <summary>A buffer of <see cref="Length"/> values (contents undefined).</summary>
    public float[] Rent()
    {
        if (_free.TryTake(out var b)) return b;
        Interlocked.Increment(ref _allocated);
        return GC.AllocateUninitializedArray<float>(checked((int)Length));
    }

    /// <summary>Gives a buffer back for reuse.</summary>
    public void Return(float[] buffer)
    {
        if (buffer.Length != Length) throw new ArgumentException($"buffer holds {buffer.Length} values, the pool's {Length}");
        _free.Add(buffer);
    }
}
