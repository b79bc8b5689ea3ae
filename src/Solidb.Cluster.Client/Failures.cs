using System.Net.Http;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;
using Solidb.Cluster.Client.Security;

namespace Solidb.Cluster.Client;

/// <summary>Turns a transport exception into the short cause of a <see cref="ClusterClientException"/>'s one line.</summary>
internal static class Failures
{
    public static string Describe(Exception e, CaCertificateValidator? validator)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case SocketException s:
                    return s.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused => "connection refused",
                        SocketError.ConnectionReset => "connection reset by the node",
                        SocketError.HostNotFound or SocketError.NoData => "unknown host",
                        SocketError.TimedOut => "connect timed out",
                        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "host unreachable",
                        _ => $"socket error {s.SocketErrorCode}",
                    };
                case AuthenticationException a:
                    return "TLS handshake failed: " + (validator?.LastRejection ?? a.Message);
            }
        }

        return e switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } => "the node closed the connection without an answer",
            HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => "TLS handshake failed: " + (validator?.LastRejection ?? e.Message),
            HttpRequestException h => $"{h.HttpRequestError}: {h.Message}",
            WebSocketException w => $"{w.WebSocketErrorCode}: {w.Message}",
            _ => e.Message,
        };
    }
}
