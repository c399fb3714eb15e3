import { Logger } from '@aws-lambda-powertools/logger';
import { MissingEnvironmentError } from '../../../core/env';
import { handler } from '../../../lambda/resolve-image/index';
import { UnknownRegionError } from '../../../core/image-uri';

describe('resolve-image handler', () => {
  const savedRegion = process.env.AWS_REGION;
  let info: jest.SpyInstance;
  let error: jest.SpyInstance;

  beforeEach(() => {
    info = jest.spyOn(Logger.prototype, 'info').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
    if (savedRegion === undefined) delete process.env.AWS_REGION;
    else process.env.AWS_REGION = savedRegion;
  });

  test('resolves the image of the Region it runs in (AWS_REGION)', async () => {
    process.env.AWS_REGION = 'eu-west-1';
    await expect(handler({})).resolves.toEqual({
      region: 'eu-west-1',
      imageUri: '685385470294.dkr.ecr.eu-west-1.amazonaws.com/image-classification:1',
    });
    expect(info).toHaveBeenCalledWith('Resolved algorithm image', expect.objectContaining({ region: 'eu-west-1', regionFrom: 'AWS_REGION' }));
  });

  test('resolves the Region the event asks for over AWS_REGION', async () => {
    process.env.AWS_REGION = 'eu-west-1';
    await expect(handler({ region: 'cn-northwest-1' })).resolves.toEqual({
      region: 'cn-northwest-1',
      imageUri: '387376663083.dkr.ecr.cn-northwest-1.amazonaws.com.cn/image-classification:1',
    });
    expect(info).toHaveBeenCalledWith('Resolved algorithm image', expect.objectContaining({ regionFrom: 'event' }));
  });

  test('treats a missing or null event as "use AWS_REGION"', async () => {
    process.env.AWS_REGION = 'us-west-2';
    await expect(handler(undefined)).resolves.toMatchObject({ region: 'us-west-2' });
    await expect(handler(null)).resolves.toMatchObject({ region: 'us-west-2' });
  });

  test('fails with UnknownRegionError for a Region without the image, and logs it', async () => {
    process.env.AWS_REGION = 'eu-west-1';
    await expect(handler({ region: 'xx-nowhere-1' })).rejects.toThrow(UnknownRegionError);
    await expect(handler({ region: 'xx-nowhere-1' })).rejects.toThrow("Region 'xx-nowhere-1'");
    expect(error).toHaveBeenCalledWith('No algorithm image for Region', { region: 'xx-nowhere-1' });
  });

  test('fails with MissingEnvironmentError when neither the event nor AWS_REGION gives a Region', async () => {
    delete process.env.AWS_REGION;
    await expect(handler({})).rejects.toThrow(MissingEnvironmentError);
    await expect(handler({})).rejects.toThrow('AWS_REGION');
  });
});
