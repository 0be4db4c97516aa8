using Bitrix24OfflineSync.Hosting;
using Bitrix24OfflineSync.Operations;
using Serilog;

if (HealthProbe.IsCommand(args))
{
    return await HealthProbe.RunAsync(Environment.GetEnvironmentVariable, Console.Error);
}

if (KeyCommand.IsCommand(args))
{
    return await KeyCommand.RunAsync(args, Console.Out, Console.Error);
}

if (OperatorCommands.IsCommand(args))
{
    return await OperatorCommands.RunAsync(args, Console.Out, Console.Error);
}

Log.Logger = SerilogSetup.CreateBootstrapLogger();
try
{
    var app = SyncServiceApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    Log.Fatal(ex, "The service stopped because of an unhandled exception");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
