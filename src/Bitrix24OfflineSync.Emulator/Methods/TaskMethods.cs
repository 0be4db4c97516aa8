using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

internal static class TaskMethods
{
    public static void Register(MethodRegistry methods) => _ = methods;
}
