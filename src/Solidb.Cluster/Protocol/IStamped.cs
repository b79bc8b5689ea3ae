using Solidb.Cluster.Clock;

namespace Solidb.Cluster.Protocol;

/// <summary>A wire message that carries its sender's HLC timestamp; receivers fold it into their clock.</summary>
public interface IStamped : IProtocolMessage
{
    HlcTimestamp Sent { get; }
}
