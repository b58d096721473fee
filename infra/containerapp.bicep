// The same FuncSync app as a container on Azure Container Apps, under the Azure Functions host: the image
// (Dockerfile) is the official dotnet-isolated base image, whose host runs every trigger, checks function keys
// and starts FuncSync.App as its worker. KEDA's azure-queue scaler adds replicas when inventory-events or
// channel-push back up. Storage and Key Vault are reached with
// a user-assigned identity, created and granted its roles before the app starts. Image: Dockerfile.

targetScope = 'resourceGroup'

import { channelVaultSecrets } from 'modules/channelsecrets.bicep'
import { disabledChannelFunctions } from 'modules/channelfunctions.bicep'

@description('Base name for the resources.')
@minLength(3)
@maxLength(24)
param appName string

param location string = resourceGroup().location

param tags object = {}

@description('The image to run, e.g. myregistry.azurecr.io/funcsync:1.0 (built from the Dockerfile).')
param image string

@description('Name of an Azure Container Registry in this resource group to pull from; empty for a public image.')
param registryName string = ''

param shop string

param shopifyShopDomain string

param shopifyApiVersion string = '2026-04'

param etsyShopId string

@description('Six-field NCRONTAB (UTC) for the Etsy receipt poll, run by the Functions host in the container.')
param etsyPollSchedule string = '0 * * * * *'

@description('The other timers\' schedules, named as the functions\' %Setting% references name them (see main.bicep).')
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

@description('The host in one replica always runs the timers (blob-lease singleton); KEDA adds more for queue backlog.')
@minValue(1)
param minReplicas int = 1

@minValue(1)
@maxValue(30)
param maxReplicas int = 5

@description('Queue messages per replica before KEDA adds one (the queue trigger\'s batch size is 16).')
param queueLengthPerReplica int = 16

@secure()
param shopifyAccessToken string = ''
@secure()
param shopifyWebhookSecret string = ''
@secure()
param etsyKeystring string = ''
@secure()
param etsySharedSecret string = ''

// Square POS (optional): set squareLocationIds to turn the channel on. Its two secrets go to Key Vault like the others'.
@description('Square: the location ids whose counts FuncSync syncs, comma-separated (a shop and a market stall). Empty leaves Square off.')
param squareLocationIds string = ''

@description('Square: the location a sale on another channel is taken from. Empty: the location with the most units.')
param squareSellFromLocationId string = ''

@description('Square: the seller\'s merchant id; notifications for another merchant are refused. Empty: not checked.')
param squareMerchantId string = ''

@description('Square: FuncSync\'s Square application id, which Square\'s change log names as the source of FuncSync\'s writes. Optional.')
param squareApplicationId string = ''

@description('Square: the notification URL exactly as registered with the webhook subscription (Square signs it byte for byte). Empty: this container app\'s address with /api/webhooks/square.')
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
var storageRoles = [
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner: timer leases, rejected webhooks
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor: listeners, senders, KEDA's queue length
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor: the ledger
]
var acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'
var scaledQueues = [
  'inventory-events'
  'channel-push'
]


// App setting name -> Key Vault secret name, each a container app secret read from the vault; which are read: see infra/modules/channelsecrets.bicep.
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

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${appName}-id'
  location: location
  tags: tags
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: storageName
    location: location
    tags: tags
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

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: vaultName
    location: location
    tags: tags
    readerPrincipalId: identity.properties.principalId
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

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageName
  dependsOn: [
    storage
  ]
}

resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageRoles: {
    name: guid(storageAccount.id, identity.id, role)
    scope: storageAccount
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = if (!empty(registryName)) {
  name: empty(registryName) ? 'none' : registryName
}

resource registryPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(registryName)) {
  name: guid(registry.id, identity.id, acrPull)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: '${appName}-logs'
  dependsOn: [
    monitoring
  ]
}

resource environment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: '${appName}-env'
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
  }
}

resource containerApp 'Microsoft.App/containerApps@2025-01-01' = {
  name: appName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    environmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        // Shopify must reach the webhook; the Functions host checks function keys for admin functions, and queue
        // and timer functions have no HTTP route at all.
        external: true
        targetPort: 80
        transport: 'auto'
        allowInsecure: false
      }
      registries: empty(registryName)
        ? []
        : [
            {
              server: registry!.properties.loginServer
              identity: identity.id
            }
          ]
      secrets: [
        for secret in items(appVaultSecrets): {
          name: secret.value
          keyVaultUrl: '${vault.outputs.uri}secrets/${secret.value}'
          identity: identity.id
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'funcsync'
          image: image
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: concat(
            [
              {
                name: 'AzureWebJobsStorage__accountName'
                value: storageName
              }
              {
                // A user-assigned identity must be named, for the app and for DefaultAzureCredential.
                name: 'AzureWebJobsStorage__clientId'
                value: identity.properties.clientId
              }
              {
                name: 'AZURE_CLIENT_ID'
                value: identity.properties.clientId
              }
              {
                name: 'FuncSync__Shop'
                value: shop
              }
              {
                name: 'Shopify__ShopDomain'
                value: shopifyShopDomain
              }
              {
                name: 'Shopify__AdminApiBaseUrl'
                value: 'https://${shopifyShopDomain}/'
              }
              {
                name: 'Shopify__ApiVersion'
                value: shopifyApiVersion
              }
              {
                name: 'Etsy__ApiBaseUrl'
                value: 'https://openapi.etsy.com/'
              }
              {
                name: 'Etsy__ShopId'
                value: etsyShopId
              }
              {
                name: 'Etsy__PollSchedule'
                value: etsyPollSchedule
              }
              {
                // Versions of this secret wrap the Data Protection key ring; read with AZURE_CLIENT_ID's identity.
                name: 'DataProtection__KeyVaultUri'
                value: vault.outputs.uri
              }
              {
                name: 'DataProtection__KeySecretName'
                value: 'dataprotection-kek'
              }
            ],
            map(items(appVaultSecrets), secret => {
              name: secret.key
              secretRef: secret.value
            }),
            map(items(union(squareSettings, ebaySettings, amazonSettings, wooCommerceSettings)), setting => {
              name: setting.key
              value: setting.value
            }),
            map(items(timerSchedules), schedule => {
              name: schedule.key
              value: schedule.value
            }),
            map(items(channelFunctionSwitches), setting => {
              name: setting.key
              value: setting.value
            })
          )
          probes: [
            {
              type: 'Startup'
              httpGet: {
                path: '/'
                port: 80
              }
              periodSeconds: 5
              failureThreshold: 12
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/'
                port: 80
              }
              periodSeconds: 30
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          for queue in scaledQueues: {
            name: queue
            azureQueue: {
              accountName: storageName
              queueName: queue
              queueLength: queueLengthPerReplica
              identity: identity.id
            }
          }
        ]
      }
    }
  }
  dependsOn: [
    storageRoleAssignments
    registryPull
  ]
}

// Square's plain settings, only when it is turned on; its secrets are in appVaultSecrets.
var squareSettings = empty(squareLocationIds)
  ? {}
  : union(
      {
        Square__ApiBaseUrl: 'https://connect.squareup.com/'
        Square__LocationIds: squareLocationIds
        Square__NotificationUrl: empty(squareNotificationUrl)
          ? 'https://${appName}.${environment.properties.defaultDomain}/api/webhooks/square'
          : squareNotificationUrl
      },
      empty(squareSellFromLocationId) ? {} : { Square__SellFromLocationId: squareSellFromLocationId },
      empty(squareMerchantId) ? {} : { Square__MerchantId: squareMerchantId },
      empty(squareApplicationId) ? {} : { Square__ApplicationId: squareApplicationId }
    )

// eBay's, Amazon's and WooCommerce's plain settings, each only when it is on; their secrets are in appVaultSecrets.
var ebaySettings = empty(ebayMarketplaceId)
  ? {}
  : {
      Ebay__ApiBaseUrl: 'https://api.ebay.com/'
      Ebay__MarketplaceId: ebayMarketplaceId
      Ebay__NotificationUrl: 'https://${appName}.${environment.properties.defaultDomain}/api/webhooks/ebay'
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
      WooCommerce__WebhookUrl: 'https://${appName}.${environment.properties.defaultDomain}/api/webhooks/woocommerce'
    }

output url string = 'https://${containerApp.properties.configuration.ingress.fqdn}'
output shopifyWebhookUrl string = 'https://${containerApp.properties.configuration.ingress.fqdn}/api/webhooks/shopify'
output storageAccountName string = storageName
output keyVaultName string = vaultName
