using Solidb.Cluster.Clock;

namespace Solidb.Benchmarks.Clock;

/// <summary>Fills one array per thread with timestamps; the loop lives in each filler so the clock call is direct.</summary>
public interface IFiller
{
    string Name { get; }

    void Fill(HlcTimestamp[] destination);
}

public sealed class HlcNowFiller(HybridLogicalClock clock) : IFiller
{
    public string Name => "HybridLogicalClock.Now()";

    public void Fill(HlcTimestamp[] destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = clock.Now();
        }
    }
}

public sealed class HlcReserveFiller(HybridLogicalClock clock, int batch) : IFiller
{
    public string Name => $"HybridLogicalClock.Reserve({batch})";

    public void Fill(HlcTimestamp[] destination)
    {
        int i = 0;
        while (i < destination.Length)
        {
            foreach (var ts in clock.Reserve(Math.Min(batch, destination.Length - i)))
            {
                destination[i++] = ts;
            }
        }
    }
}

public sealed class LockClockFiller(LockClock clock) : IFiller
{
    public string Name => "naive lock clock";

    public void Fill(HlcTimestamp[] destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = clock.Now();
        }
    }
}

public sealed class RacyClockFiller(RacyClock clock) : IFiller
{
    public string Name => "unsynchronised clock (checker control)";

    public void Fill(HlcTimestamp[] destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = clock.Now();
        }
    }
}

public static class ParallelFill
{
    /// <summary>Runs one thread per array, all released together; returns once all are done.</summary>
    public static void Run(IFiller filler, HlcTimestamp[][] perThread, Action? onStart = null)
    {
        using var start = new Barrier(perThread.Length + 1);
        var threads = perThread.Select(destination => new Thread(() =>
        {
            start.SignalAndWait();
            filler.Fill(destination);
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        start.SignalAndWait();
        onStart?.Invoke();
        foreach (var thread in threads)
        {
            thread.Join();
        }
    }
}
