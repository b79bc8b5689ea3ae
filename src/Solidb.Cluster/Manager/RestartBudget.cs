using System.Globalization;
using Solidb.Cluster.Configuration;

namespace Solidb.Cluster.Manager;

/// <summary>The restarts of this process so far (every cause, downed included), for the status.</summary>
/// <param name="LastAt">When the last incarnation ended (the process's time provider).</param>
public sealed record RestartHistory(int Count, RestartCause? LastCause, DateTimeOffset? LastAt)
{
    public static RestartHistory None { get; } = new(0, null, null);
}

/// <summary>What <see cref="RestartBudget.Record"/> decided: how long to wait before the next incarnation, and why.</summary>
/// <param name="InWindow">Restarts within the window, this one included.</param>
public sealed record RestartDelay(TimeSpan Wait, int InWindow, RestartHistory History)
{
    public bool BacksOff => Wait > TimeSpan.Zero;
}

/// <summary>
/// How long a process waits before its next incarnation, so that a node that cannot stay in its
/// cluster (isolated, quarantined, join timing out, downed again and again) backs off instead of
/// looping. Up to max-restarts restarts within the window follow at once; every one beyond waits
/// backoff, doubling with each further one up to max-backoff, and so does every later one until
/// an incarnation has run a whole window without a restart (the wait itself does not count as
/// running): only then is the budget fresh again. Otherwise long waits would empty the window
/// and a looping node would get its fast restarts back after every long wait. The host and the
/// spec harness keep one budget per node for the life of the process; not thread-safe (a node's
/// incarnations end one at a time).
/// </summary>
public sealed class RestartBudget(RestartSettings settings, TimeProvider time)
{
    private readonly Queue<long> _recent = new();
    private long? _lastAt;
    private TimeSpan _lastWait;
    private int _backoffs;

    public RestartHistory History { get; private set; } = RestartHistory.None;

    /// <summary>Records that an incarnation ended for <paramref name="cause"/>; returns the wait before the next one.</summary>
    public RestartDelay Record(RestartCause cause)
    {
        var now = time.GetTimestamp();
        if (_lastAt is { } last && time.GetElapsedTime(last, now) - _lastWait >= settings.Window)
        {
            _backoffs = 0; // the last incarnation ran a whole window
        }

        while (_recent.TryPeek(out var oldest) && time.GetElapsedTime(oldest, now) >= settings.Window)
        {
            _recent.Dequeue();
        }

        _recent.Enqueue(now);
        var wait = TimeSpan.Zero;
        if (_backoffs > 0 || _recent.Count > settings.MaxRestarts)
        {
            _backoffs++;
            wait = BackoffAfter(_backoffs);
        }

        _lastAt = now;
        _lastWait = wait;
        History = new RestartHistory(History.Count + 1, cause, time.GetUtcNow());
        return new RestartDelay(wait, _recent.Count, History);
    }

    /// <summary>The one log line of a back-off: how long, why, and the count.</summary>
    public string Describe(RestartDelay delay) => string.Create(CultureInfo.InvariantCulture,
        $"backing off {Show(delay.Wait)} before the next incarnation: {delay.InWindow} restart{(delay.InWindow == 1 ? "" : "s")} within {Show(settings.Window)} " +
        $"(solidb.restart.max-restarts = {settings.MaxRestarts}), {delay.History.Count} since the process started; " +
        $"the last one: {Restarts.Describe(delay.History.LastCause ?? RestartCause.Downed)}");

    private TimeSpan BackoffAfter(int backoffs)
    {
        var wait = settings.Backoff;
        for (var i = 1; i < backoffs && wait < settings.MaxBackoff; i++)
        {
            wait *= 2;
        }

        return wait < settings.MaxBackoff ? wait : settings.MaxBackoff;
    }

    private static string Show(TimeSpan t) =>
        t.TotalMinutes >= 1 && t.Seconds == 0 && t.Milliseconds == 0 ? $"{t.TotalMinutes:0}m"
        : t.Milliseconds == 0 ? $"{t.TotalSeconds:0}s"
        : $"{t.TotalMilliseconds:0}ms";
}
