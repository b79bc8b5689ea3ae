using System.Net;
using System.Net.Sockets;

namespace Solidb.Testing;

/// <summary>Hands out loopback ports that were free when asked and never the same one twice per process.</summary>
public static class FreePorts
{
    private static readonly HashSet<int> Issued = [];

    public static int Next()
    {
        lock (Issued)
        {
            while (true)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (Issued.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
