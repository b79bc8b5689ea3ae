using Solidb.Cluster.Clock;
using Xunit;

namespace Solidb.Cluster.Tests.Clock;

/// <summary>Real threads on the system clock. Sizes keep each test well under a few seconds on 2 cores.</summary>
public sealed class HybridLogicalClockConcurrencyTests
{
    private const int PerThread = 1_000_000;
    private static readonly int Threads = Math.Clamp(Environment.ProcessorCount, 2, 4);

    [Fact]
    public void Now_is_strictly_monotonic_across_threads()
    {
        var clock = new HybridLogicalClock(TimeProvider.System);
        var issued = RunThreads(_ =>
        {
            var mine = new HlcTimestamp[PerThread];
            for (int i = 0; i < mine.Length; i++)
            {
                mine[i] = clock.Now();
            }

            return mine;
        });

        AssertEachIncreasingAndAllUnique(issued, Threads * PerThread);
    }

    [Fact]
    public void Now_Update_and_Reserve_never_hand_out_the_same_timestamp_across_threads()
    {
        const int Rounds = PerThread / 4;
        var clock = new HybridLogicalClock(TimeProvider.System);
        var issued = RunThreads(thread =>
        {
            var mine = new List<HlcTimestamp>(Rounds * 12);
            for (int i = 0; i < Rounds; i++)
            {
                mine.Add(clock.Now());
                // Up to 4 ms ahead of the wall clock, so updates regularly move the clock forward.
                ulong wall = (ulong)TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
                var received = new HlcTimestamp(wall + (ulong)((i + thread) % 5), (uint)(i % 1000));
                var updated = clock.Update(received);
                Assert.True(updated > received);
                mine.Add(updated);
                mine.AddRange(clock.Reserve(1 + (i % 9)));
            }

            return mine.ToArray();
        });

        Assert.Equal(0, clock.RejectedUpdates);
        AssertEachIncreasingAndAllUnique(issued, issued.Sum(a => a.Length));
    }

    private static HlcTimestamp[][] RunThreads(Func<int, HlcTimestamp[]> work)
    {
        var results = new HlcTimestamp[Threads][];
        var failures = new List<Exception>();
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                results[t] = work(t);
            }
            catch (Exception e)
            {
                lock (failures)
                {
                    failures.Add(e);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(failures);
        return results;
    }

    private static void AssertEachIncreasingAndAllUnique(HlcTimestamp[][] perThread, int expectedTotal)
    {
        int regressions = 0;
        foreach (var mine in perThread)
        {
            for (int i = 1; i < mine.Length; i++)
            {
                if (mine[i] <= mine[i - 1])
                {
                    regressions++;
                }
            }
        }

        var all = perThread.SelectMany(a => a).ToArray();
        Assert.Equal(expectedTotal, all.Length);
        Array.Sort(all);
        int duplicates = 0;
        for (int i = 1; i < all.Length; i++)
        {
            if (all[i] == all[i - 1])
            {
                duplicates++;
            }
        }

        Assert.Equal(0, regressions);
        Assert.Equal(0, duplicates);
    }
}
