using Akka.Actor;
using Google.Protobuf;

namespace Solidb.Cluster.Security.Transport;

/// <summary>An Akka address as the wire states it (protocol aside: a claim of another protocol grants nothing more).</summary>
public sealed record WireAddress(string System, string Host, int Port)
{
    public override string ToString() => $"{System}@{Host}:{Port}";

    /// <summary>The address of an actor path's text; null when the path has no address part or does not parse.</summary>
    public static WireAddress? OfPath(string? path) =>
        path is not null && ActorPath.TryParseAddress(path, out var address) && address.Host is { } host && address.Port is { } port
            ? new WireAddress(address.System, host, port)
            : null;

    /// <summary>Of an Akka address.</summary>
    public static WireAddress? Of(Address address) =>
        address.Host is { } host && address.Port is { } port ? new WireAddress(address.System, host, port) : null;

    /// <summary>Of Akka's AddressData message (system 1, hostname 2, port 3, protocol 4).</summary>
    public static WireAddress? OfAddressData(ByteString? data)
    {
        if (data is null)
        {
            return null;
        }

        var fields = ProtoFields.Read(data);
        return fields.Text(1) is { } system && fields.Text(2) is { } host && fields.Number(3) is { } port and <= 65535
            ? new WireAddress(system, host, (int)port)
            : null;
    }

    /// <summary>Of Akka.Cluster's UniqueAddress message (address 1, uid 2).</summary>
    public static WireAddress? OfUniqueAddress(ByteString? data) =>
        data is null ? null : OfAddressData(ProtoFields.Read(data).Bytes(1));

    /// <summary>The host:port text the module's membership uses for a member's address.</summary>
    public string HostPort => new Configuration.PeerAddress(Configuration.PeerAddress.Unbracket(Host), Port).ToString();

    /// <summary>The same system, host and port (Akka writes an IPv6 host with or without brackets).</summary>
    public bool SameAs(WireAddress? other) =>
        other is not null && System == other.System && Port == other.Port
        && string.Equals(Configuration.PeerAddress.Unbracket(Host), Configuration.PeerAddress.Unbracket(other.Host), StringComparison.OrdinalIgnoreCase);
}

/// <summary>One Akka.Remote protocol data unit as it arrived on a connection, before Akka reads it.</summary>
public abstract record InboundPdu
{
    /// <summary>The handshake: the address and uid the peer declares as its own.</summary>
    public sealed record Associate(WireAddress Origin, ulong Uid) : InboundPdu;

    /// <summary>Heartbeat or disassociate: carries no claim.</summary>
    public sealed record Control(int Command) : InboundPdu;

    /// <summary>An acknowledgement without a message.</summary>
    public sealed record AckOnly : InboundPdu;

    /// <summary>A message: its recipient's and sender's path text and the serialized payload.</summary>
    public sealed record Message(string Recipient, string? Sender, int SerializerId, string Manifest, ByteString Body) : InboundPdu;

    /// <summary>Akka's control command numbers (WireFormats.proto CommandType).</summary>
    public const int AssociateCommand = 1;
}

/// <summary>Reads Akka.Remote's wire format (WireFormats.proto) far enough to know who a PDU claims to come from and where it goes.</summary>
public static class PduReader
{
    /// <summary>The PDU; throws <see cref="InvalidProtocolBufferException"/> (or <see cref="InvalidDataException"/>: a wire type Akka does not use) for one that is malformed.</summary>
    public static InboundPdu Read(ByteString pdu)
    {
        // AkkaProtocolMessage: payload 1, instruction 2.
        var protocol = ProtoFields.Read(pdu);
        if (protocol.Bytes(2) is { } instruction)
        {
            // AkkaControlMessage: commandType 1, handshakeInfo 2 (AkkaHandshakeInfo: origin 1, uid 2, cookie 3).
            var control = ProtoFields.Read(instruction);
            var command = (int)(control.Number(1) ?? throw new InvalidDataException("a control message without a command"));
            if (command != InboundPdu.AssociateCommand)
            {
                return new InboundPdu.Control(command);
            }

            var handshake = ProtoFields.Read(control.Bytes(2) ?? throw new InvalidDataException("an associate without handshake info"));
            var origin = WireAddress.OfAddressData(handshake.Bytes(1)) ?? throw new InvalidDataException("an associate without a valid origin address");
            return new InboundPdu.Associate(origin, handshake.Number(2) ?? 0);
        }

        // AckAndEnvelopeContainer: ack 1, envelope 2.
        var container = ProtoFields.Read(protocol.Bytes(1) ?? throw new InvalidDataException("a PDU with neither payload nor instruction"));
        if (container.Bytes(2) is not { } envelopeBytes)
        {
            return new InboundPdu.AckOnly();
        }

        // RemoteEnvelope: recipient 1, message 2, sender 4, seq 5; ActorRefData: path 1;
        // Payload: message 1, serializerId 2, messageManifest 3.
        var envelope = ProtoFields.Read(envelopeBytes);
        var recipient = ProtoFields.Read(envelope.Bytes(1) ?? throw new InvalidDataException("an envelope without a recipient")).Text(1)
                        ?? throw new InvalidDataException("a recipient without a path");
        var sender = envelope.Bytes(4) is { } senderBytes ? ProtoFields.Read(senderBytes).Text(1) : null;
        var payload = ProtoFields.Read(envelope.Bytes(2) ?? throw new InvalidDataException("an envelope without a message"));
        var serializerId = (int)(long)(payload.Number(2) ?? throw new InvalidDataException("a message without a serializer id"));
        var manifest = payload.Text(3) ?? "";
        return new InboundPdu.Message(recipient, string.IsNullOrEmpty(sender) ? null : sender, serializerId, manifest, payload.Bytes(1) ?? ByteString.Empty);
    }
}
