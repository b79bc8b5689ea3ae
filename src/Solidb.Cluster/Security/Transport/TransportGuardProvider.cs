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
internal sealed class GuardedTransport(Akka.Remote.Transport.Transport inner, ExtendedActorSystem system, TransportGuardSetup setup)
    : WrappingTransport(inner, system)
{
    private readonly GuardContext _context = new(system, setup);

    protected override void Bound(Address address) => _context.Bound(address);

    protected override AssociationHandle Wrap(AssociationHandle inner) => new GuardedHandle(inner, _context);
}

/// <summary>One association: Akka writes through it unchanged; what it reads passes the connection's guard first.</summary>
internal sealed class GuardedHandle : AssociationHandle
{
    private readonly AssociationHandle _inner;

    public GuardedHandle(AssociationHandle inner, GuardContext context)
        : base(inner.LocalAddress, inner.RemoteAddress)
    {
        _inner = inner;
        WrappingTransport.ForwardReads(this, inner, upper => new Filter(upper, inner.RemoteAddress, context));
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
