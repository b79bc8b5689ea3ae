using Akka.Actor;
using Akka.Event;

namespace Solidb.Cluster.Manager;

/// <summary>
/// How many restarts a child gets: at most <see cref="MaxRestarts"/> within <see cref="Window"/>,
/// counted per child on injected time. One more failure inside the window means restarting does
/// not help (a failure that repeats, a constructor that cannot succeed).
/// </summary>
public sealed class ChildRestartBudget(TimeProvider time, int maxRestarts = ChildRestartBudget.MaxRestarts, TimeSpan? window = null)
{
    public const int MaxRestarts = 3;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly TimeSpan _window = window ?? Window;
    private readonly Dictionary<string, Queue<long>> _restarts = [];

    /// <summary>Takes one restart of <paramref name="child"/> from the budget; false when it is spent (nothing is taken then).</summary>
    /// <param name="used">Restarts of the child within the window, this one included when granted.</param>
    public bool TryRestart(string child, out int used)
    {
        if (!_restarts.TryGetValue(child, out var times))
        {
            _restarts[child] = times = new Queue<long>();
        }

        var now = time.GetTimestamp();
        while (times.Count > 0 && time.GetElapsedTime(times.Peek(), now) >= _window)
        {
            times.Dequeue();
        }

        if (times.Count >= maxRestarts)
        {
            used = times.Count;
            return false;
        }

        times.Enqueue(now);
        used = times.Count;
        return true;
    }
}

/// <summary>
/// The supervisor's strategy for its children (clock, bootstrap, failure-detector, heartbeat,
/// election). Every exception restarts the failed child, whatever its type: Resume would keep
/// state an exception may have left half-updated, and Stop would leave the node without a
/// capability it cannot run without. A restarted child asks for its wiring (<see cref="ChildWiring"/>).
/// Within the <see cref="ChildRestartBudget"/> only; a child that fails once more within the window is
/// stopped and this incarnation ends (a graceful leave), so the host starts a new one that rejoins
/// with everything in memory rebuilt (and stops at start-up if the data dir is what fails).
/// Each failure is logged in one line with the child and the cause (the stack trace at debug).
/// </summary>
public sealed class ChildSupervisor : OneForOneStrategy
{
    private readonly ChildRestartBudget _budget;
    private readonly ActorSystem _system;
    private readonly ILoggingAdapter _log;

    public ChildSupervisor(TimeProvider time, ActorSystem system, ILoggingAdapter log)
        : base(Akka.Actor.Decider.From(Directive.Restart)) // unused: Handle decides, knowing the child
    {
        _budget = new ChildRestartBudget(time);
        _system = system;
        _log = log;
        LoggingEnabled = false; // Akka's own line would be an error with a stack trace; Handle logs one line
    }

    protected override Directive Handle(IActorRef child, Exception exception)
    {
        var name = child.Path.Name;
        var cause = Describe(exception);
        _log.Debug("Child '{0}' failed: {1}", name, exception);
        if (_budget.TryRestart(name, out var used))
        {
            _log.Warning("Child '{0}' failed ({1}): restarting it ({2} of {3} restarts allowed within {4}s)", name, cause, used,
                ChildRestartBudget.MaxRestarts, ChildRestartBudget.Window.TotalSeconds);
            return Directive.Restart;
        }

        _log.Error("Child '{0}' failed again ({1}) after {2} restarts within {3}s: stopping it and restarting the node as a new incarnation",
            name, cause, used, ChildRestartBudget.Window.TotalSeconds);
        CoordinatedShutdown.Get(_system).Run(new SelfRestartReason(RestartCause.ChildFailing));
        return Directive.Stop;
    }

    /// <summary>The exception's type and message in one line (a constructor's failure is the inner one).</summary>
    private static string Describe(Exception exception)
    {
        var e = exception is ActorInitializationException { InnerException: { } inner } ? inner : exception;
        return $"{e.GetType().Name}: {Security.Rejections.Quote(e.Message)}";
    }
}
