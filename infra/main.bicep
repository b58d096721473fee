// FuncSync on Azure Functions Flex Consumption, as a dotnet-isolated (.NET 10) app: the `dotnet publish` output
// that eng/package.sh zips; the Functions host runs every trigger. Storage through the app's system-assigned identity (no
// account keys in app settings), channel secrets from Key Vault references, telemetry to Application
// Insights on Log Analytics. Deploy: see docs/deploy.md.

targetScope = 'resourceGroup'

import { channelVaultSecrets } from 'modules/channelsecrets.bicep'
import { disabledChannelFunctions } from 'modules/channelfunctions.bicep'

@description('Base name for the resources; the function app is reachable at https://<appName>.azurewebsites.net.')
@minLength(3)
@maxLength(32)
param appName string

@description('Flex Consumption is not offered in every region: az functionapp list-flexconsumption-locations.')
param location string = resourceGroup().location

param tags object = {}

@description('The shop key rows are partitioned by (one shop per deployment).')
param shop string

@description('The store\'s myshopify.com domain, e.g. my-shop.myshopify.com.')
param shopifyShopDomain string

@description('Pinned Shopify Admin API version.')
param shopifyApiVersion string = '2026-04'

@description('Etsy shop id (numeric).')
param etsyShopId string

@description('Six-field NCRONTAB (UTC) for the Etsy receipt poll. Every minute is ~43,200 runs a month; every 15 s is four times that.')
param etsyPollSchedule string = '0 * * * * *'

// Square POS (optional): set squareLocationIds to turn the channel on. Its two secrets go to Key Vault like the others'.
@description('Square: the location ids whose counts FuncSync syncs, comma-separated (a shop and a market stall). Empty leaves Square off.')
param squareLocationIds string = ''

@description('Square: the location a sale on another channel is taken from. Empty: the location with the most units.')
param squareSellFromLocationId string = ''

@description('Square: the seller\'s merchant id; notifications for another merchant are refused. Empty: not checked.')
param squareMerchantId string = ''

@description('Square: FuncSync\'s Square application id, which Square\'s change log names as the source of FuncSync\'s writes. Optional.')
param squareApplicationId string = ''

@description('Square: the notification URL exactly as registered with the webhook subscription (Square signs it byte for byte). Empty: this app\'s default host name with /api/webhooks/square.')
param squareNotificationUrl string = ''

@description('Square: connected by OAuth (the secrets square-refresh-token and square-application-secret) instead of a personal access token (square-access-token).')
param squareUsesOAuth bool = false

@description('Shopify: during a webhook secret rotation, also accept deliveries signed with shopify-previous-webhook-secret.')
param shopifyRotatingWebhookSecret bool = false

@description('Etsy: receive the ORDER_PAID webhook (commercial apps), signed with etsy-webhook-secret.')
param etsyWebhooks bool = false

// eBay, Amazon and WooCommerce (optional): each is on when its identifying parameter is set; their secrets are Key
// Vault references (infra/modules/channelsecrets.bicep), set with `az keyvault secret set` (docs/deploy.md).
@description('eBay: the marketplace synced (EBAY_US, EBAY_GB...). Empty leaves eBay off.')
param ebayMarketplaceId string = ''

@description('Amazon: the seller\'s merchant token (selling partner id). Empty leaves Amazon off.')
param amazonSellerId string = ''

@description('Amazon: the marketplace synced (Amazon.com is ATVPDKIKX0DER).')
param amazonMarketplaceId string = 'ATVPDKIKX0DER'

@description('Amazon: the regional Selling Partner API endpoint.')
param amazonApiBaseUrl string = 'https://sellingpartnerapi-na.amazon.com/'

@description('Amazon: the SQS queue the ORDER_CHANGE subscription delivers to. Empty: orders by the orders poll alone.')
param amazonNotificationQueueUrl string = ''

@description('Amazon: the AWS region of that queue.')
param amazonAwsRegion string = 'us-east-1'

@description('WooCommerce: the site\'s address (https://shop.example/). Empty leaves WooCommerce off.')
param wooCommerceStoreUrl string = ''

@description('The other timers\' schedules (six-field NCRONTAB, UTC), named as the functions\' %Setting% references name them. The host resolves each reference from these app settings; a missing one disables its function.')
param timerSchedules object = {
  Etsy__CancellationCheckSchedule: '0 */10 * * * *'
  Etsy__RefundCheckSchedule: '0 0 * * * *'
  Shopify__OrderPollSchedule: '0 */5 * * * *'
  WooCommerce__OrderPollSchedule: '0 */2 * * * *'
  Ebay__OrderPollSchedule: '0 */2 * * * *'
  Amazon__OrderPollSchedule: '0 */2 * * * *'
  Amazon__NotificationSchedule: '*/5 * * * * *'
  Amazon__FeedSchedule: '*/15 * * * * *'
  FuncSync__OutboxSweepSchedule: '0 * * * * *'
  Reconciliation__Schedule: '0 30 3 * * *'
  MappingAudit__Schedule: '0 0 4 * * *'
  Lag__CheckSchedule: '0 * * * * *'
  Alerts__DeliverySweepSchedule: '*/30 * * * * *'
  Monitoring__PoisonWatchSchedule: '0 * * * * *'
}

@description('Flex Consumption instance size; billing is per GB-second of this size while executing.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound on instances, a cost guard; 40 is the smallest Flex allows.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

// Optional: secrets given here are stored in Key Vault. Leave empty to set them afterwards with
// `az keyvault secret set` (docs/deploy.md), which keeps them out of the deployment history.
@secure()
param shopifyAccessToken string = ''
@secure()
param shopifyWebhookSecret string = ''
@secure()
param etsyKeystring string = ''
@secure()
param etsySharedSecret string = ''
@secure()
param etsyAccessToken string = ''
@secure()
param squareAccessToken string = ''
@secure()
param squareWebhookSignatureKey string = ''
@description('Key-encryption secret for the Data Protection key ring that encrypts stored Etsy tokens. Every deployment writes a new random version (a KEK rotation); the app unwraps each key-ring element with the version it names, so never disable or purge older versions.')
@secure()
param dataProtectionKekSecret string = '${newGuid()}${newGuid()}'

var suffix = uniqueString(resourceGroup().id, appName)
var storageName = take('st${toLower(replace(appName, '-', ''))}${suffix}', 24)
var vaultName = take('kv-${take(toLower(appName), 10)}-${suffix}', 24)
var deploymentContainer = 'app-package'

// Storage Blob Data Owner: the host's leases and the deployment package; Queue Data Contributor: the
// queue triggers and senders; Table Data Contributor: the ledger. Exactly what the app touches.
var storageRoles = [
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
]

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: storageName
    location: location
    tags: tags
    deploymentContainerName: deploymentContainer
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    namePrefix: appName
    location: location
    tags: tags
  }
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageName
  dependsOn: [
    storage
  ]
}

resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: '${appName}-insights'
  dependsOn: [
    monitoring
  ]
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${appName}-plan'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: storage.outputs.deploymentContainerUrl
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      // The isolated worker on .NET 10: the host starts FuncSync.App as its worker (worker.config.json).
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
    }
  }
}

resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageRoles: {
    name: guid(storageAccount.id, app.id, role)
    scope: storageAccount
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: app.identity.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: vaultName
    location: location
    tags: tags
    readerPrincipalId: app.identity.principalId
    secrets: {
      'shopify-access-token': shopifyAccessToken
      'shopify-webhook-secret': shopifyWebhookSecret
      'etsy-keystring': etsyKeystring
      'etsy-shared-secret': etsySharedSecret
      'etsy-access-token': etsyAccessToken
      'square-access-token': squareAccessToken
      'square-webhook-signature-key': squareWebhookSignatureKey
      'dataprotection-kek': dataProtectionKekSecret
    }
  }
}

// Settings go on after the role assignments, so the first start already has its storage roles.
// Flex Consumption rejects FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION: the runtime is
// functionAppConfig.runtime above. Nested keys use "__" (Linux app settings cannot contain ':').
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: union(timerSchedules, channelFunctionSwitches, squareSettings, ebaySettings, amazonSettings, wooCommerceSettings, vaultReferences, {
    AzureWebJobsStorage__accountName: storageName
    APPLICATIONINSIGHTS_CONNECTION_STRING: insights.properties.ConnectionString
    FuncSync__Shop: shop
    Shopify__ShopDomain: shopifyShopDomain
    Shopify__AdminApiBaseUrl: 'https://${shopifyShopDomain}/'
    Shopify__ApiVersion: shopifyApiVersion
    Etsy__ApiBaseUrl: 'https://openapi.etsy.com/'
    Etsy__ShopId: etsyShopId
    // EtsyReceiptPoll's [TimerTrigger("%Etsy:PollSchedule%")]; the host reads it from this setting.
    Etsy__PollSchedule: etsyPollSchedule
    // The key ring in storage is wrapped with versions of this secret, read by the app's identity (Key Vault
    // Secrets User, granted in the vault module); no Key Vault reference, because old versions must stay readable.
    DataProtection__KeyVaultUri: vault.outputs.uri
    DataProtection__KeySecretName: 'dataprotection-kek'
  })
  dependsOn: [
    storageRoleAssignments
  ]
}

// Square's plain settings, only when it is turned on (the app validates them at start once Square__ApiBaseUrl is set);
// its secrets are in appVaultSecrets.
var squareSettings = empty(squareLocationIds)
  ? {}
  : union(
      {
        Square__ApiBaseUrl: 'https://connect.squareup.com/'
        Square__LocationIds: squareLocationIds
        Square__NotificationUrl: empty(squareNotificationUrl)
          ? 'https://${app.properties.defaultHostName}/api/webhooks/square'
          : squareNotificationUrl
      },
      empty(squareSellFromLocationId) ? {} : { Square__SellFromLocationId: squareSellFromLocationId },
      empty(squareMerchantId) ? {} : { Square__MerchantId: squareMerchantId },
      empty(squareApplicationId) ? {} : { Square__ApplicationId: squareApplicationId }
    )


// Which channel secrets are read, hence referenced: see infra/modules/channelsecrets.bicep.
var appVaultSecrets = channelVaultSecrets({
  shopifyRotatingWebhookSecret: shopifyRotatingWebhookSecret
  etsyWebhooks: etsyWebhooks
  square: !empty(squareLocationIds)
  squareUsesOAuth: squareUsesOAuth
  ebay: !empty(ebayMarketplaceId)
  amazon: !empty(amazonSellerId)
  amazonNotifications: !empty(amazonNotificationQueueUrl)
  wooCommerce: !empty(wooCommerceStoreUrl)
})

// A channel that is off runs none of its functions (see infra/modules/channelfunctions.bicep).
var channelFunctionSwitches = disabledChannelFunctions({
  square: !empty(squareLocationIds)
  wooCommerce: !empty(wooCommerceStoreUrl)
  ebay: !empty(ebayMarketplaceId)
  amazon: !empty(amazonSellerId)
})
var vaultReferences = toObject(items(appVaultSecrets), secret => secret.key, secret => keyVaultReference(secret.value))

// eBay's, Amazon's and WooCommerce's plain settings, each only when it is on; their secrets are in appVaultSecrets.
var ebaySettings = empty(ebayMarketplaceId)
  ? {}
  : {
      Ebay__ApiBaseUrl: 'https://api.ebay.com/'
      Ebay__MarketplaceId: ebayMarketplaceId
      Ebay__NotificationUrl: 'https://${app.properties.defaultHostName}/api/webhooks/ebay'
    }
var amazonSettings = empty(amazonSellerId)
  ? {}
  : union(
      {
        Amazon__ApiBaseUrl: amazonApiBaseUrl
        Amazon__SellerId: amazonSellerId
        Amazon__MarketplaceId: amazonMarketplaceId
      },
      empty(amazonNotificationQueueUrl)
        ? {}
        : {
            Amazon__NotificationQueueUrl: amazonNotificationQueueUrl
            Amazon__AwsRegion: amazonAwsRegion
          }
    )
var wooCommerceSettings = empty(wooCommerceStoreUrl)
  ? {}
  : {
      WooCommerce__StoreUrl: wooCommerceStoreUrl
      WooCommerce__WebhookUrl: 'https://${app.properties.defaultHostName}/api/webhooks/woocommerce'
    }

func keyVaultReference(secretName string) string => '@Microsoft.KeyVault(VaultName=${vaultName};SecretName=${secretName})'

output functionAppName string = app.name
output defaultHostName string = app.properties.defaultHostName
output shopifyWebhookUrl string = 'https://${app.properties.defaultHostName}/api/webhooks/shopify'
output squareWebhookUrl string = 'https://${app.properties.defaultHostName}/api/webhooks/square'
output storageAccountName string = storageName
output keyVaultName string = vaultName
output applicationInsightsName string = monitoring.outputs.insightsName
