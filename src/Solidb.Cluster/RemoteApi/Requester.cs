using Akka.Actor;

namespace Solidb.Cluster.RemoteApi;

/// <summary>
/// The actor system a remote API request came from: the owner of the subscriptions it makes.
/// Through the receptionist, the request's sender is the response tunnel that ClusterClient's
/// receptionist made for the service's actor (its child named after that actor's escaped full
/// path, <c>ClusterReceptionist.ResponseTunnel</c>): the owner is that actor's address. A sender at
/// a remote address (a request sent directly) is owned by that address. The transport attributes
/// every inbound message to its connection, so the address a service's actor names is the one its
/// connection declared (with TLS, the one its certificate holds).
/// </summary>
public static class Requester
{
    private static readonly string[] Receptionist = ["system", "receptionist"];

    public static string Of(ActorPath sender)
    {
        if (sender.Address.HasGlobalScope)
        {
            return sender.Address.ToString();
        }

        var elements = sender.Elements;
        if (elements.Count == 3 && elements[0] == Receptionist[0] && elements[1] == Receptionist[1]
            && ActorPath.TryParse(Uri.UnescapeDataString(elements[2]), out var client) && client.Address.HasGlobalScope)
        {
            return client.Address.ToString();
        }

        return sender.Address.ToString(); // an actor of this node
    }
}
