using Akka.Actor;
using Akka.Event;
using Akka.Remote.Transport;
using Google.Protobuf;

namespace Solidb.Cluster.Security.Transport;

/// <summary>
/// Akka.Remote transport adapter <c>solidb-guard</c> (akka.remote.dot-netty.tcp.applied-adapters):
/// every association of the node passes through a <see cref="ConnectionGuard"/>, which sees each
/// PDU together with the connection that carried it. It adds no scheme, so addresses stay akka.tcp / akka.ssl.tcp.
/// </summary>
public sealed class TransportGuardProvider : ITransportAdapterProvider
{
    public Akka.Remote.Transport.Transport Create(Akka.Remote.Transport.Transport wrappedTransport, ExtendedActorSystem system) =>
        new GuardedTransport(wrappedTransport, system, TransportGuardSetup.Of(system));
}

/// <summary>The wrapped transport, handing out guarded handles for inbound and outbound associations.</summary>
internal sealed class GuardedTransport : Akka.Remote.Transport.Transport
{
    private readonly Akka.Remote.Transport.Transport _inner;
    private readonly GuardContext _context;

    public GuardedTransport(Akka.Remote.Transport.Transport inner, ExtendedActorSystem system, TransportGuardSetup setup)
    {
        _inner = inner;
        System = system;
        Config = inner.Config;
        SchemeIdentifier = inner.SchemeIdentifier;
        MaximumPayloadBytes = inner.MaximumPayloadBytes;
        _context = new GuardContext(system, setup);
    }

    public override async Task<(Address, TaskCompletionSource<IAssociationEventListener>)> Listen()
    {
        var (address, innerPromise) = await _inner.Listen().ConfigureAwait(false);
        _context.Bound(address);
        var promise = new TaskCompletionSource<IAssociationEventListener>();
        _ = promise.Task.ContinueWith(
            t => innerPromise.TrySetResult(new InboundListener(t.Result, _context)),
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously);
        return (address, promise);
    }

    public override bool IsResponsibleFor(Address remote) => _inner.IsResponsibleFor(remote);

    public override async Task<AssociationHandle> Associate(Address remoteAddress) =>
        new GuardedHandle(await _inner.Associate(remoteAddress).ConfigureAwait(false), _context);

    public override Task<bool> Shutdown() => _inner.Shutdown();

    public override Task<bool> ManagementCommand(object message) => _inner.ManagementCommand(message);

    private sealed class InboundListener(IAssociationEventListener upper, GuardContext context) : IAssociationEventListener
    {
        public void Notify(IAssociationEvent ev) =>
            upper.Notify(ev is InboundAssociation inbound ? new InboundAssociation(new GuardedHandle(inbound.Association, context)) : ev);
    }
}

/// <summary>One association: Akka writes through it unchanged; what it reads passes the connection's guard first.</summary>
internal sealed class GuardedHandle : AssociationHandle
{
    private readonly AssociationHandle _inner;

    public GuardedHandle(AssociationHandle inner, GuardContext context)
        : base(inner.LocalAddress, inner.RemoteAddress)
    {
        _inner = inner;
        _ = ReadHandlerSource.Task.ContinueWith(
            t => inner.ReadHandlerSource.TrySetResult(new Filter(t.Result, inner.RemoteAddress, context)),
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously);
    }

    public override bool Write(ByteString payload) => _inner.Write(payload);

    /// <summary>Akka's abstract member; its reasoned overload logs and then calls this one, so both reach the wrapped handle.</summary>
    [Obsolete("Akka calls it through Disassociate(reason, log)")]
#pragma warning disable CS0809, CS0618 // the wrapped handle's own override is the same obsolete member
    public override void Disassociate() => _inner.Disassociate();
#pragma warning restore CS0809, CS0618

    private sealed class Filter(IHandleEventListener upper, Address remote, GuardContext context) : IHandleEventListener
    {
        private readonly object _gate = new();
        private ConnectionGuard? _guard;

        public void Notify(IHandleEvent ev)
        {
            if (ev is InboundPayload payload)
            {
                GuardVerdict verdict;
                lock (_gate)
                {
                    _guard ??= context.NewGuard(remote);
                    verdict = context.Check(_guard, payload.Payload, remote);
                }

                if (!verdict.Passes)
                {
                    return;
                }
            }

            upper.Notify(ev);
        }
    }
}

/// <summary>The node's side of every guard: its address, membership, the accepted certificates, and where refusals are counted.</summary>
internal sealed class GuardContext(ExtendedActorSystem system, TransportGuardSetup setup) : IGuardView
{
    private readonly ILoggingAdapter _log = Logging.GetLogger(system, typeof(TransportGuardProvider));
    private WireAddress _local = new(system.Name, "", 0);

    public WireAddress Local => _local;

    public void Bound(Address address) => _local = WireAddress.Of(address) ?? _local;

    public string? MemberAt(string hostPort) => setup.Members().At(hostPort)?.NodeId.Value;

    public ProtocolClaim ClaimOf(ByteString body)
    {
        try
        {
            var message = system.Serialization.Deserialize(body.ToByteArray(), ConnectionGuard.ProtocolSerializerId, (string?)null);
            return message is Protocol.IProtocolMessage m ? ProtocolClaims.Of(m) : new ProtocolClaim.Undecodable("not a module message");
        }
        catch (Exception e)
        {
            return new ProtocolClaim.Undecodable(e.Message); // ProtocolSerializer counted it (serialization)
        }
    }

    public ConnectionGuard NewGuard(Address remote) =>
        new(this, setup.Certificates?.Take(remote));

    public GuardVerdict Check(ConnectionGuard guard, ByteString pdu, Address remote)
    {
        GuardVerdict verdict;
        if (setup.Certificates is not null && guard.Identity is null)
        {
            verdict = GuardVerdict.Drop(RejectionReason.NotANode, "a TLS connection whose certificate identity is unknown");
        }
        else
        {
            try
            {
                verdict = guard.Check(PduReader.Read(pdu));
            }
            catch (Exception e) when (e is InvalidProtocolBufferException or InvalidDataException)
            {
                verdict = GuardVerdict.Drop(RejectionReason.InvalidField, $"a malformed PDU: {e.Message}");
            }
        }

        if (verdict.Reason is { } reason && setup.Counters.Reject(reason))
        {
            _log.Warning("Dropped a message from {0} ({1}): {2} [{3}] (further drops are counted in stats.rejections.{3}, logged at most once a minute)",
                remote, guard.Identity?.ToString() ?? "no certificate", verdict.Detail, reason.WireName());
        }

        return verdict;
    }
}
