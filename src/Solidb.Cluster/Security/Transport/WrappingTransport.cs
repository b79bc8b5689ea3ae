using Akka.Actor;
using Akka.Remote.Transport;

namespace Solidb.Cluster.Security.Transport;

/// <summary>
/// An Akka.Remote transport adapter that adds no scheme (addresses stay akka.tcp / akka.ssl.tcp)
/// and wraps every association, inbound and outbound, in a handle of its own (<see cref="Wrap"/>).
/// The transport guard is one; tests build others on it (a slow link).
/// </summary>
public abstract class WrappingTransport : Akka.Remote.Transport.Transport
{
    private readonly Akka.Remote.Transport.Transport _inner;

    protected WrappingTransport(Akka.Remote.Transport.Transport inner, ExtendedActorSystem system)
    {
        _inner = inner;
        System = system;
        Config = inner.Config;
        SchemeIdentifier = inner.SchemeIdentifier;
        MaximumPayloadBytes = inner.MaximumPayloadBytes;
    }

    /// <summary>The handle this adapter gives Akka for <paramref name="inner"/>.</summary>
    protected abstract AssociationHandle Wrap(AssociationHandle inner);

    /// <summary>Called once the wrapped transport listens, with its address.</summary>
    protected virtual void Bound(Address address)
    {
    }

    public override async Task<(Address, TaskCompletionSource<IAssociationEventListener>)> Listen()
    {
        var (address, innerPromise) = await _inner.Listen().ConfigureAwait(false);
        Bound(address);
        var promise = new TaskCompletionSource<IAssociationEventListener>();
        _ = promise.Task.ContinueWith(
            t => innerPromise.TrySetResult(new InboundListener(t.Result, this)),
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously);
        return (address, promise);
    }

    public override bool IsResponsibleFor(Address remote) => _inner.IsResponsibleFor(remote);

    public override async Task<AssociationHandle> Associate(Address remoteAddress) =>
        Wrap(await _inner.Associate(remoteAddress).ConfigureAwait(false));

    public override Task<bool> Shutdown() => _inner.Shutdown();

    public override Task<bool> ManagementCommand(object message) => _inner.ManagementCommand(message);

    /// <summary>Hands the upper layer's read listener, once Akka sets it on <paramref name="outer"/>, to <paramref name="inner"/> through <paramref name="wrap"/>.</summary>
    public static void ForwardReads(AssociationHandle outer, AssociationHandle inner, Func<IHandleEventListener, IHandleEventListener> wrap) =>
        _ = outer.ReadHandlerSource.Task.ContinueWith(
            t => inner.ReadHandlerSource.TrySetResult(wrap(t.Result)),
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously);

    private sealed class InboundListener(IAssociationEventListener upper, WrappingTransport transport) : IAssociationEventListener
    {
        public void Notify(IAssociationEvent ev) =>
            upper.Notify(ev is InboundAssociation inbound ? new InboundAssociation(transport.Wrap(inbound.Association)) : ev);
    }
}
