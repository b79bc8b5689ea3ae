using Solidb.Certs;

return CertsCommand.Run(args, Console.Out, Console.Error, TimeProvider.System);
