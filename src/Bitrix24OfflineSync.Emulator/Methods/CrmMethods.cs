using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

internal static class CrmMethods
{
    public static void Register(MethodRegistry methods) => _ = methods;
}
