using Akka.Actor;
using Akka.Event;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Protocol;

namespace Solidb.Cluster.Clock;

/// <summary>
/// <c>/user/solidb-cluster/clock</c>: serves the node's HLC to other services (local or remote)
/// and persists the clock's upper bound every persist interval.
/// </summary>
public sealed class ClockActor : ReceiveActor, IWithTimers
{
    public const string Name = "clock";

    private readonly NodeContext _node;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ClockActor(NodeContext node)
    {
        _node = node;
        Receive<GetTimestamp>(_ => Sender.Tell(_node.Clock.TryNow(out var problem) is { } now ? new TimestampReply(now) : new ClockUnavailable(problem!)));
        Receive<ObserveTimestamp>(OnObserve);
        Receive<PersistBound>(_ => Persist());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(NodeContext node) => Akka.Actor.Props.Create(() => new ClockActor(node));

    protected override void PreStart() =>
        Timers.StartPeriodicTimer(nameof(PersistBound), PersistBound.Instance, _node.Settings.Clock.PersistInterval);

    protected override void PostStop() => Persist();

    private void OnObserve(ObserveTimestamp m)
    {
        if (_node.Clock.Problem is { } problem)
        {
            Sender.Tell(new ClockUnavailable(problem)); // out of sync: no timestamp, not even one past the observed
            return;
        }

        var from = Sender.Path.Address.HasGlobalScope ? Sender.Path.Address.ToString() : "a local service";
        if (_node.Gate.TryObserve(m.Timestamp, out var local, out var rejected, out var warn))
        {
            Sender.Tell(new TimestampReply(local));
            return;
        }

        if (warn)
        {
            _log.Warning("Rejected an HLC timestamp from {0}: {1}", from, rejected!.Message);
        }

        Sender.Tell(new TimestampRejected(m.Timestamp, rejected!.Offset.TotalMilliseconds, rejected.MaxOffset.TotalMilliseconds));
    }

    private void Persist()
    {
        if (_node.TryPersistClockBound() is { } line)
        {
            _log.Warning("{0}", line);
        }
    }

    private sealed record PersistBound
    {
        public static PersistBound Instance { get; } = new();
    }
}
