using Akka.Event;
using Solidb.Cluster.Clock.Sync;
using Solidb.Cluster.Configuration;

namespace Solidb.Cluster.Manager;

/// <summary>
/// The coordinator's clock decisions, once per heartbeat interval: judges this node's wall clock
/// against the majority (<see cref="ClockSync"/>), publishes the verdict, says so in one error
/// line at most once a minute while out of sync (a warning when there are too few voters to
/// judge), and with <c>solidb.clock.on-skew = stop</c> stops the node after the skew grace. A
/// skewed node is never restarted: a new incarnation would have the same clock.
/// </summary>
/// <param name="settled">False with 3 or more configured nodes: the clock is untrusted until the first estimate (<see cref="ClockStatus.Settled"/>).</param>
public sealed class ClockWatch(TimeProvider time, ClockSettings settings, bool settled = true)
{
    /// <summary>The error (or warning) line is repeated at most this often.</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);

    private readonly ClockSync _sync = new(settings.MaxOffset, settled);
    private long? _outSince;
    private long? _logged;
    private bool _stopped;

    public ClockStatus Status => _sync.Status;

    /// <param name="measurable">See <see cref="ClockSync.Evaluate"/>.</param>
    public IEnumerable<Decision> Evaluate(IReadOnlyDictionary<string, OffsetEstimate> readings, int voters, int? measurable = null)
    {
        var verdict = _sync.Evaluate(readings, voters, measurable);
        var status = verdict.Status;
        yield return new PublishClock(status);
        if (verdict.SelfChanged)
        {
            _logged = null;
            _outSince = status.InSync ? null : time.GetTimestamp();
            if (status.InSync)
            {
                yield return new LogLine(LogLevel.InfoLevel,
                    $"clock is back in sync with the majority of the cluster ({Ms(status.OffsetToMajorityMs)} ms, max offset {Ms(settings.MaxOffset.TotalMilliseconds)} ms): voting, standing for election and issuing timestamps again");
            }
        }

        if (!status.InSync && Claim())
        {
            yield return new LogLine(LogLevel.ErrorLevel, status.Problem! + (settings.OnSkew == SkewAction.Stop
                ? $"; stopping in {Math.Max(0, (settings.SkewGrace - time.GetElapsedTime(_outSince!.Value)).TotalSeconds):0}s (solidb.clock.on-skew = stop)"
                : "; until then this node is not ready, does not vote or lead and issues no timestamps (solidb.clock.on-skew = isolate)"));
        }
        else if (status.InSync && verdict.Beyond && verdict.OnlyWarns && Claim())
        {
            yield return new LogLine(LogLevel.WarningLevel,
                $"clock is {Ms(Math.Abs(verdict.WorstPeerOffsetMs))} ms {(verdict.WorstPeerOffsetMs >= 0 ? "ahead of" : "behind")} a peer (max offset {Ms(settings.MaxOffset.TotalMilliseconds)} ms), " +
                $"but with {voters} voters there is no majority to tell which clock is wrong, so this node only warns: check time synchronisation on these hosts");
        }

        if (!status.InSync && settings.OnSkew == SkewAction.Stop && !_stopped && time.GetElapsedTime(_outSince!.Value) >= settings.SkewGrace)
        {
            _stopped = true;
            yield return new StopForClockSkew(status.Problem!);
        }
    }

    private bool Claim()
    {
        if (_logged is { } at && time.GetElapsedTime(at) < LogInterval)
        {
            return false;
        }

        _logged = time.GetTimestamp();
        return true;
    }

    private static string Ms(double? ms) => ms is { } v ? ((long)Math.Round(v)).ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";
}
