using System.Net;

namespace Solidb.Cluster.Client;

/// <summary>
/// Every failure of the client library: the message names the URL and the cause in one line
/// (<c>GET http://10.0.0.5:6746/_api/cluster/status failed: connection refused</c>); the transport's own exception, if
/// any, is the inner exception.
/// </summary>
public sealed class ClusterClientException : Exception
{
    public ClusterClientException(string message, Uri? url = null, HttpStatusCode? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        Url = url;
        StatusCode = statusCode;
    }

    /// <summary>The URL that failed (the last one tried when several were).</summary>
    public Uri? Url { get; }

    /// <summary>The HTTP status the node answered with, when it answered.</summary>
    public HttpStatusCode? StatusCode { get; }
}
