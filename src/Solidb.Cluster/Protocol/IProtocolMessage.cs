namespace Solidb.Cluster.Protocol;

/// <summary>
/// Marks a message that crosses the wire between nodes. Every such type is bound to
/// <see cref="ProtocolSerializer"/> by this interface (hocon/solidb.conf) and must be a sealed
/// type in this assembly; the serializer refuses every other type.
/// </summary>
public interface IProtocolMessage;
