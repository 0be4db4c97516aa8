namespace Bitrix24OfflineSync.Emulator;

internal static class Program
{
    public static Task<int> Main(string[] args) => EmulatorApp.RunAsync(args);
}
