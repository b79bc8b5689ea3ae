using Solidb.Cluster.Clock;

namespace Solidb.Benchmarks.Clock;

internal static class Uniqueness
{
    /// <summary>
    /// Per-thread regressions (a timestamp not greater than the thread's previous one) and duplicates
    /// across all threads (every extra copy of a value counts once).
    /// </summary>
    public static (long Regressions, long Duplicates) Check(HlcTimestamp[][] perThread)
    {
        long regressions = 0;
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

        return (regressions, regressions == 0 ? CountDuplicatesInSorted(perThread) : CountDuplicatesBySorting(perThread));
    }

    // Every thread's list is strictly increasing, so a k-way merge finds duplicates in linear time.
    private static long CountDuplicatesInSorted(HlcTimestamp[][] perThread)
    {
        var heads = new int[perThread.Length];
        long duplicates = 0;
        bool any = false;
        HlcTimestamp previous = default;
        while (true)
        {
            int min = -1;
            for (int t = 0; t < perThread.Length; t++)
            {
                if (heads[t] < perThread[t].Length && (min < 0 || perThread[t][heads[t]] < perThread[min][heads[min]]))
                {
                    min = t;
                }
            }

            if (min < 0)
            {
                return duplicates;
            }

            var next = perThread[min][heads[min]++];
            if (any && next == previous)
            {
                duplicates++;
            }

            previous = next;
            any = true;
        }
    }

    private static long CountDuplicatesBySorting(HlcTimestamp[][] perThread)
    {
        var all = perThread.SelectMany(a => a).ToArray();
        Array.Sort(all);
        long duplicates = 0;
        for (int i = 1; i < all.Length; i++)
        {
            if (all[i] == all[i - 1])
            {
                duplicates++;
            }
        }

        return duplicates;
    }
}
