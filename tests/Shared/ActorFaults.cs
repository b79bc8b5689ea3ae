using Akka.Actor;
using Akka.Dispatch.SysMsg;

namespace Solidb.Testing;

/// <summary>
/// Fails a running actor from a test, with no hook in the product: the actor is suspended and its
/// parent is told it failed, the two system messages Akka itself sends when an actor throws
/// (ActorCell.HandleInvokeFailure). The parent's supervisor strategy then decides as for a real
/// crash: a restart (the same reference, a new instance) or a stop.
/// </summary>
public static class ActorFaults
{
    /// <summary>Fails <paramref name="actor"/> with <see cref="CrashedByTestException"/>.</summary>
    public static void Crash(IActorRef actor)
    {
        var failed = (IInternalActorRef)actor;
        failed.SendSystemMessage(new Suspend());
        failed.Parent.SendSystemMessage(new Failed(failed, new CrashedByTestException(), failed.Path.Uid));
    }

    /// <summary>Resolves the actor at <paramref name="path"/> and fails it (see <see cref="Crash(IActorRef)"/>).</summary>
    public static async Task CrashAsync(ActorSystem system, string path) =>
        Crash(await system.ActorSelection(path).ResolveOne(TimeSpan.FromSeconds(10)));
}

/// <summary>The cause <see cref="ActorFaults"/> reports to the supervisor.</summary>
public sealed class CrashedByTestException() : Exception("crash requested by a test");
