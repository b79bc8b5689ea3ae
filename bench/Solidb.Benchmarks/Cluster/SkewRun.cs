using System.Net;

namespace Solidb.Benchmarks.Cluster;

/// <summary>What one skewed start of the skew harness showed; times in ms from the skewed process's start unless named otherwise.</summary>
internal sealed class SkewRun(long offsetMs)
{
    public long OffsetMs { get; } = offsetMs;

    public double? ErrorLineMs { get; set; }

    public string? ErrorLine { get; set; }

    /// <summary>Clock error lines in the window (at most one a minute is the rule).</summary>
    public int ErrorLinesInWindow { get; set; }

    /// <summary>The first readiness answer 503 whose reason names the clock.</summary>
    public double? NotReadyMs { get; private set; }

    public string? NotReadyReason { get; private set; }

    /// <summary>Readiness 200 answers during the window (a load balancer would send traffic then), and the first and last.</summary>
    public int ReadyWhileSkewed { get; private set; }

    public double? FirstReadyMs { get; private set; }

    public double? LastReadyMs { get; private set; }

    /// <summary>The incarnations the skewed node's status reported (goal: only 1).</summary>
    public SortedSet<long> Incarnations { get; } = [];

    public int MaxRestarts { get; set; }

    /// <summary>When both healthy nodes first named the same leader in the same term, and that (leader, term).</summary>
    public double? HealthyAgreedMs { get; private set; }

    public (string Leader, long Term)? HealthyLeader { get; private set; }

    /// <summary>Samples after the agreement in which a healthy node named another leader or term, or none (the first one described).</summary>
    public int HealthyChanges { get; private set; }

    public string? FirstHealthyChange { get; private set; }

    /// <summary>Samples after the agreement in which a healthy node's status did not answer (not counted as a change).</summary>
    public int HealthyNoAnswer { get; private set; }

    /// <summary>How long the node answered ready while skewed before its first clock 503 (0 when never ready first).</summary>
    public double ReadyBeforeNotReadyMs => NotReadyMs is not { } n ? double.NaN : FirstReadyMs is { } f && f < n ? n - f : 0;

    public bool HealthyKept => HealthyLeader is not null && HealthyChanges == 0;

    /// <summary>From writing offset 0: readiness 200, and the status' <c>clock.in_sync</c>.</summary>
    public double? BackReadyMs { get; set; }

    public double? BackInSyncMs { get; set; }

    public bool Exited { get; set; }

    public void CountReadiness((HttpStatusCode Code, string Reason)? ready, TimeSpan at)
    {
        var ms = at.TotalMilliseconds;
        if (ready is { Code: HttpStatusCode.OK })
        {
            ReadyWhileSkewed++;
            FirstReadyMs ??= ms;
            LastReadyMs = ms;
        }
        else if (ready is { Code: HttpStatusCode.ServiceUnavailable, Reason: var reason } && NotReadyMs is null
                 && reason.Contains("clock", StringComparison.Ordinal))
        {
            NotReadyMs = ms;
            NotReadyReason = reason;
        }
    }

    /// <param name="healthy">Each healthy node's (leader, term); term -1 when its status did not answer.</param>
    public void ObserveHealthy(IReadOnlyList<(string? Leader, long Term)> healthy, TimeSpan at)
    {
        if (healthy.Any(h => h.Term < 0))
        {
            HealthyNoAnswer += HealthyLeader is null ? 0 : 1; // before the agreement the HTTP API may not be up yet
            healthy = healthy.Where(h => h.Term >= 0).ToList();
        }

        if (HealthyLeader is not { } agreed)
        {
            if (healthy is [{ Leader: { } l, Term: var t }, { Leader: var l2, Term: var t2 }] && l == l2 && t == t2)
            {
                HealthyLeader = (l, t);
                HealthyAgreedMs = at.TotalMilliseconds;
            }

            return;
        }

        var changed = healthy.Where(h => h.Leader != agreed.Leader || h.Term != agreed.Term).ToList();
        if (changed.Count > 0)
        {
            HealthyChanges++;
            FirstHealthyChange ??= $"at {at.TotalMilliseconds:F0} ms: {string.Join(", ", changed.Select(h => $"{h.Leader ?? "no leader"} term {h.Term}"))}";
        }
    }

    public string Describe(TimeSpan window) =>
        $"{OffsetMs:+0;-0} ms: first clock error line {SkewHarness.Ms(ErrorLineMs ?? double.NaN)} ({ErrorLinesInWindow} in the window: \"{ErrorLine}\"); "
        + $"readiness 503 naming the clock {SkewHarness.Ms(NotReadyMs ?? double.NaN)} (\"{NotReadyReason}\"); "
        + $"readiness 200 while skewed: {ReadyWhileSkewed} answers" + (FirstReadyMs is { } f ? $" ({f:F0}-{LastReadyMs:F0} ms)" : "") + "; "
        + $"incarnations in {window.TotalMinutes:0.##} min: {Incarnations.Count} [{string.Join(",", Incarnations)}], restarts.count {MaxRestarts}"
        + (Exited ? ", the process EXITED" : "") + "; "
        + $"healthy two: leader {HealthyLeader?.Leader ?? "none"} term {HealthyLeader?.Term.ToString() ?? "-"} agreed at {SkewHarness.Ms(HealthyAgreedMs ?? double.NaN)}, "
        + (HealthyKept ? "kept throughout" : $"NOT kept ({HealthyChanges} samples, first {FirstHealthyChange})")
        + (HealthyNoAnswer > 0 ? $" ({HealthyNoAnswer} samples without an answer)" : "") + "; "
        + $"offset 0 -> readiness 200 {SkewHarness.Ms(BackReadyMs ?? double.NaN)}, clock.in_sync {SkewHarness.Ms(BackInSyncMs ?? double.NaN)}";
}
